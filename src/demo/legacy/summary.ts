// GET /fhir/Patient/:id/$summary — the monolith's templated patient summary: the same sentences in
// the same order every time. The new service generates its own (new-service/summary.ts); Ficus
// compares the two by their clinical facts (`compare.facts` on the patient-summary route).
import type { Route, RouteContext } from '../shared/router.ts';
import { operationOutcome } from '../shared/fhir.ts';
import { sendFhir } from '../shared/respond.ts';
import { patientIndexOf } from '../data/seed.ts';
import { summaryFactsOf } from '../data/clinical-summary.ts';

export function legacySummaryRoutes(): Route[] {
  return [{ method: 'GET', path: /^\/fhir\/Patient\/(?<id>[^/]+)\/(?:\$|%24)summary$/, handle: (c) => answerSummary(c) }];
}

function answerSummary({ res, params }: RouteContext): void {
  const id = params.id ?? '';
  if (patientIndexOf(id) === undefined) return sendFhir(res, 404, operationOutcome('not-found', `Resource Patient/${id} not found`));
  const facts = summaryFactsOf(id);
  const lines = [
    `Summary for Patient/${id}.`,
    ...facts.medications.map((m) => `Takes ${m.name} ${m.dose}.`),
    'Denies chest pain.',
    'No fever.',
    facts.allergy === 'none' ? 'No known drug allergies.' : 'Allergic to penicillin.',
  ];
  sendFhir(res, 200, { resourceType: 'Basic', text: lines.join(' ') });
}
