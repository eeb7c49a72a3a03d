// GET /fhir/Patient/:id/$summary — a generated plain-English summary, worded differently on every
// call the way a language model's output is. Exact comparison is meaningless here: Ficus compares
// it with legacy's templated summary by its clinical facts (`compare.facts`), and the facts are
// legacy's (data/clinical-summary.ts) except where this service gets them wrong, deterministically
// by patient (summaryFaultOf): a dropped dose or a flipped negation.
import type { Route, RouteContext } from '../shared/router.ts';
import { operationOutcome } from '../shared/fhir.ts';
import { sendFhir } from '../shared/respond.ts';
import { pick } from '../shared/prng.ts';
import type { DemoStore } from '../data/store.ts';
import { synthesizeMedicationRequests } from '../data/medications.ts';
import { renderNewPatient } from './patients.ts';
import { summaryFactsOf, summaryFaultOf } from '../data/clinical-summary.ts';

export interface SummaryDeps {
  readonly store: DemoStore;
  readonly now: () => Date;
  readonly random: () => number;
}

const OPENINGS = ['Here is a brief overview of', 'Summary for', 'This is a concise clinical snapshot of', 'Quick recap on', 'At a glance:'];
const ORDER_PHRASES = ['has {n} active medication orders', 'is currently on {n} active prescriptions', 'carries {n} open medication orders'];
const MEDICATION_PHRASES = ['Current medications include {name} {dose}.', 'The patient takes {name} {dose}.', 'On {name} {dose}.'];
const NEGATION_PHRASES = ['The patient denies chest pain and has no fever.', 'Denies chest pain. No fever.', 'No fever; denies chest pain.'];
const ALLERGY_PHRASES: Readonly<Record<'penicillin' | 'none', readonly string[]>> = {
  penicillin: ['Allergic to penicillin.', 'Allergies: penicillin.'],
  none: ['No known drug allergies.', 'NKDA.'],
};
// No closing may state a fact: "no further flags" would be a negation legacy never made.
const CLOSINGS = ['', ' Overall, the record appears stable.', ' Let me know if you would like more detail on any of these.'];

interface NameLike { readonly given?: readonly string[]; readonly family?: string }

export function summaryRoutes(deps: SummaryDeps): Route[] {
  // The new service receives `$` as sent; some clients percent-encode it.
  return [{ method: 'GET', path: /^\/fhir\/Patient\/(?<id>[^/]+)\/(?:\$|%24)summary$/, handle: (c) => answerSummary(deps, c) }];
}

function answerSummary({ store, now, random }: SummaryDeps, { res, params }: RouteContext): void {
  const entry = store.findPatient(params.id ?? '');
  if (!entry) return sendFhir(res, 404, operationOutcome('not-found', `Resource Patient/${params.id} not found`));
  const patient = renderNewPatient(entry);
  const name = ((patient.name ?? []) as NameLike[])[0];
  const who = `${name?.given?.join(' ') ?? ''} ${name?.family ?? ''}`.trim() || 'this patient';
  const age = typeof patient.birthDate === 'string' ? `${ageInYears(patient.birthDate, now())}-year-old` : 'adult (age not on file)';
  const orders = synthesizeMedicationRequests(entry.resource.id ?? '').length;
  const text = `${pick(random, OPENINGS)} ${who}, a ${age} ${String(patient.gender ?? 'unknown')} patient who `
    + `${pick(random, ORDER_PHRASES).replace('{n}', String(orders))}. `
    + `${factSentences(entry.resource.id ?? '', random)}${pick(random, CLOSINGS)}`;
  sendFhir(res, 200, { resourceType: 'Basic', text });
}

function factSentences(patientId: string, random: () => number): string {
  const facts = summaryFactsOf(patientId);
  const fault = summaryFaultOf(patientId);
  const medications = facts.medications.map((m, i) => (fault === 'drops-dose' && i === 0
    ? `The patient takes ${m.name}.`
    : pick(random, MEDICATION_PHRASES).replace('{name}', m.name).replace('{dose}', m.dose)));
  const negations = fault === 'flips-negation' ? 'Reports chest pain. No fever.' : pick(random, NEGATION_PHRASES);
  return [...medications, negations, pick(random, ALLERGY_PHRASES[facts.allergy])].join(' ');
}

function ageInYears(birthDate: string, at: Date): number {
  const born = new Date(`${birthDate}T00:00:00Z`);
  let age = at.getUTCFullYear() - born.getUTCFullYear();
  const beforeBirthday = at.getUTCMonth() < born.getUTCMonth() || (at.getUTCMonth() === born.getUTCMonth() && at.getUTCDate() < born.getUTCDate());
  if (beforeBirthday) age -= 1;
  return age;
}
