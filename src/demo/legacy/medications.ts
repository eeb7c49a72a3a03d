// Legacy medication endpoints: the order list with included Medications, and recording an
// administration. Legacy never receives shadow copies, so it pays no attention to Ficus-Shadow:
// every POST that reaches it is a real write.
import type { Route, RouteContext } from '../shared/router.ts';
import { operationOutcome, searchsetBundle, type FhirResource } from '../shared/fhir.ts';
import { sendFhir } from '../shared/respond.ts';
import { readJson } from '../shared/body.ts';
import type { DemoStore } from '../data/store.ts';
import { medicationAdministrationProblem } from '../data/validation.ts';
import { searchMedicationRequests } from '../data/medication-search.ts';

export interface LegacyMedicationDeps {
  readonly store: DemoStore;
  readonly now: () => Date;
}

export function legacyMedicationRoutes(deps: LegacyMedicationDeps): Route[] {
  return [
    { method: 'GET', path: /^\/fhir\/MedicationRequest$/, handle: (c) => answerSearch(c) },
    { method: 'POST', path: /^\/fhir\/MedicationAdministration$/, handle: (c) => answerAdministration(deps, c) },
  ];
}

function answerSearch({ req, res, query }: RouteContext): void {
  const result = searchMedicationRequests(query);
  if (typeof result === 'string') return sendFhir(res, 400, operationOutcome('invalid', result));
  sendFhir(res, 200, searchsetBundle({
    total: result.requests.length,
    selfUrl: req.url ?? '/fhir/MedicationRequest',
    entries: [
      ...result.requests.map((resource) => ({ resource, mode: 'match' as const })),
      ...result.included.map((resource) => ({ resource, mode: 'include' as const })),
    ],
  }));
}

async function answerAdministration({ store, now }: LegacyMedicationDeps, { req, res }: RouteContext): Promise<void> {
  const body = await readJson(req);
  const problem = medicationAdministrationProblem(body, store);
  if (problem) return sendFhir(res, 400, operationOutcome('invalid', problem));
  const created = store.create(body as FhirResource, now());
  sendFhir(res, 201, created, { location: `/fhir/MedicationAdministration/${created.id}/_history/1`, etag: 'W/"1"' });
}
