// Legacy Observation endpoints: a paged vital-signs search whose next links carry an opaque page
// token, and Observation creation. The token is base64 of "patient:offset:count" — clients must not
// rely on that, and the new service indeed uses a different encoding.
import type { Route, RouteContext } from '../shared/router.ts';
import { operationOutcome, patientIdFromReference, searchsetBundle, type FhirResource } from '../shared/fhir.ts';
import { sendFhir } from '../shared/respond.ts';
import { readJson } from '../shared/body.ts';
import type { DemoStore } from '../data/store.ts';
import { observationProblem } from '../data/validation.ts';

export interface LegacyObservationDeps {
  readonly store: DemoStore;
  readonly now: () => Date;
}

interface PageRequest {
  readonly patientId: string;
  readonly offset: number;
  readonly count: number;
}

const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;

export function legacyObservationRoutes(deps: LegacyObservationDeps): Route[] {
  return [
    { method: 'GET', path: /^\/fhir\/Observation$/, handle: (c) => answerSearch(deps, c) },
    { method: 'POST', path: /^\/fhir\/Observation$/, handle: (c) => answerCreate(deps, c) },
  ];
}

export function encodeLegacyPageToken({ patientId, offset, count }: PageRequest): string {
  return Buffer.from(`${patientId}:${offset}:${count}`, 'utf8').toString('base64url');
}

function decodeLegacyPageToken(token: string): PageRequest | undefined {
  const match = /^(pat-\d{4}):(\d+):(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match) return undefined;
  return { patientId: match[1] ?? '', offset: Number(match[2]), count: Number(match[3]) };
}

function pageRequestOf(query: URLSearchParams): PageRequest | string {
  const token = query.get('_page_token');
  if (token !== null) return decodeLegacyPageToken(token) ?? 'The _page_token is not valid';
  const patientId = patientIdFromReference(query.get('patient'));
  if (!patientId) return 'Observation search needs a patient parameter';
  const count = Number(query.get('_count') ?? DEFAULT_PAGE_SIZE);
  if (!Number.isInteger(count) || count < 1) return '_count must be a positive integer';
  return { patientId, offset: 0, count: Math.min(count, MAX_PAGE_SIZE) };
}

function answerSearch({ store }: LegacyObservationDeps, { req, res, query }: RouteContext): void {
  const page = pageRequestOf(query);
  if (typeof page === 'string') return sendFhir(res, 400, operationOutcome('invalid', page));
  const all = store.listObservations(page.patientId);
  const nextOffset = page.offset + page.count;
  const nextUrl = nextOffset < all.length
    ? `/fhir/Observation?_page_token=${encodeLegacyPageToken({ ...page, offset: nextOffset })}`
    : undefined;
  sendFhir(res, 200, searchsetBundle({
    total: all.length,
    selfUrl: req.url ?? '/fhir/Observation',
    nextUrl,
    entries: all.slice(page.offset, nextOffset).map((resource) => ({ resource, mode: 'match' })),
  }));
}

async function answerCreate({ store, now }: LegacyObservationDeps, { req, res }: RouteContext): Promise<void> {
  const body = await readJson(req);
  const problem = observationProblem(body, store);
  if (problem) return sendFhir(res, 400, operationOutcome('invalid', problem));
  const created = store.create(body as FhirResource, now());
  sendFhir(res, 201, created, { location: `/fhir/Observation/${created.id}/_history/1`, etag: 'W/"1"' });
}
