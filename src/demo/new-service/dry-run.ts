// The dry-run contract Ficus relies on before it mirrors a write: a request carrying
// `Ficus-Shadow: dry-run` is validated exactly like a real write, answered like one (status, body
// shape, Location), acknowledged with `Ficus-Shadow-Ack: dry-run`, and leaves no trace in the store.
// Any other Ficus-Shadow value on a write is NOT a dry-run: it is persisted, which is why Ficus must
// never mirror a write to a route whose upstream has not acknowledged the contract.
import type http from 'node:http';
import type { Route, RouteContext } from '../shared/router.ts';
import { operationOutcome, type FhirResource } from '../shared/fhir.ts';
import { sendFhir } from '../shared/respond.ts';
import { readJson } from '../shared/body.ts';
import type { DemoStore } from '../data/store.ts';

export const SHADOW_HEADER = 'ficus-shadow';
export const DRY_RUN_ACK_HEADER = 'Ficus-Shadow-Ack';
export const DRY_RUN = 'dry-run';

export function isDryRun(req: http.IncomingMessage): boolean {
  const value = req.headers[SHADOW_HEADER];
  return typeof value === 'string' && value.trim().toLowerCase() === DRY_RUN;
}

export interface WriteRouteDeps {
  readonly store: DemoStore;
  readonly now: () => Date;
  readonly resourceType: string;
  readonly problemWith: (body: unknown, store: DemoStore) => string | undefined;
}

/** POST /fhir/<resourceType>: a create that honours the dry-run contract. */
export function createWriteRoute(deps: WriteRouteDeps): Route {
  return { method: 'POST', path: new RegExp(`^/fhir/${deps.resourceType}$`), handle: (c) => answerWrite(deps, c) };
}

async function answerWrite({ store, now, resourceType, problemWith }: WriteRouteDeps, { req, res }: RouteContext): Promise<void> {
  const dryRun = isDryRun(req);
  const ack: Record<string, string> = dryRun ? { [DRY_RUN_ACK_HEADER]: DRY_RUN } : {};
  const body = await readJson(req);
  const problem = problemWith(body, store);
  if (problem) return sendFhir(res, 400, operationOutcome('invalid', problem), ack);
  const result = dryRun ? wouldCreate(store, body as FhirResource, now()) : store.create(body as FhirResource, now());
  sendFhir(res, 201, result, { ...ack, location: `/fhir/${resourceType}/${result.id}/_history/1`, etag: 'W/"1"' });
}

// The resource a real write would have produced, built without touching the store (the id is
// peeked, not taken), so a dry-run answer compares like for like with legacy's real answer.
function wouldCreate(store: DemoStore, body: FhirResource, at: Date): FhirResource {
  return { ...body, id: store.peekId(body.resourceType), meta: { versionId: '1', lastUpdated: at.toISOString() } };
}
