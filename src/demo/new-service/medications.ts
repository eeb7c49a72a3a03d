// The new medication service: the same orders as legacy, but included Medications come out in the
// opposite order (its query joins orders to the formulary and emits the join's order) — a
// difference an `unordered` or `keyed by id` array rule must absorb. Administrations honour dry-run.
import type { Route, RouteContext } from '../shared/router.ts';
import { operationOutcome, searchsetBundle } from '../shared/fhir.ts';
import { sendFhir } from '../shared/respond.ts';
import type { DemoStore } from '../data/store.ts';
import { medicationAdministrationProblem } from '../data/validation.ts';
import { searchMedicationRequests } from '../data/medication-search.ts';
import { createWriteRoute } from './dry-run.ts';

export interface NewMedicationDeps {
  readonly store: DemoStore;
  readonly now: () => Date;
}

export function newMedicationRoutes(deps: NewMedicationDeps): Route[] {
  return [
    { method: 'GET', path: /^\/fhir\/MedicationRequest$/, handle: answerSearch },
    createWriteRoute({ ...deps, resourceType: 'MedicationAdministration', problemWith: medicationAdministrationProblem }),
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
      ...[...result.included].reverse().map((resource) => ({ resource, mode: 'include' as const })),
    ],
  }));
}
