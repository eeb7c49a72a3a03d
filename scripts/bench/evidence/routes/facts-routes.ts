// Generated text: an AI-written discharge summary beside the structured medication list it was
// written from (`compare.facts: [/summary]`; the list gives the medication vocabulary). Legacy and
// the new service word the same facts differently on every call (wire/summary-wire.ts); the dirty
// cases change one fact a clinician would check — a dropped or changed dose, a changed frequency, a
// flipped negation, a dropped or added allergy, a dropped medication, a moved follow-up date.
import { pick } from '../../../../src/demo/shared/prng.ts';
import { CORPUS_EPOCH_MS, int } from '../clinical-values.ts';
import type { Injection, JsonObject, RouteSpec, Truth } from '../route-spec.ts';
import { SUMMARY_WIRE, type SummaryFacts } from '../wire/summary-wire.ts';
import { defineRoute } from './define-route.ts';

const MEDICATIONS: readonly (readonly [string, string, readonly number[], readonly string[]])[] = [
  ['insulin glargine', 'units', [10, 14, 20, 26], ['qhs', 'daily']], ['insulin lispro', 'units', [4, 6, 8], ['tid', 'prn']],
  ['metformin', 'mg', [500, 850, 1000], ['bid', 'daily']], ['lisinopril', 'mg', [5, 10, 20], ['daily']],
  ['apixaban', 'mg', [2.5, 5], ['bid']], ['furosemide', 'mg', [20, 40], ['daily', 'bid']],
  ['levothyroxine', 'mcg', [50, 75, 100], ['daily']], ['oxycodone', 'mg', [5, 10], ['q8h', 'prn']],
];
const FINDINGS = ['fever', 'chest pain', 'nausea', 'chills', 'headache', 'dysuria', 'shortness of breath'];
const ALLERGENS = ['penicillin', 'sulfa', 'latex', 'peanuts', 'codeine'];

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function summaryDocument(random: () => number, key: string): JsonObject {
  const medications = shuffled(MEDICATIONS, random).slice(0, int(random, 2, 4)).map(([name, unit, doses, frequencies]) => ({ name, unit, dose: pick(random, doses), frequency: pick(random, frequencies) }));
  const findings = shuffled(FINDINGS, random);
  const facts: SummaryFacts = {
    medications,
    denied: findings.slice(0, int(random, 1, 3)),
    reported: [],
    allergies: shuffled(ALLERGENS, random).slice(0, int(random, 1, 2)),
    followUp: new Date(CORPUS_EPOCH_MS + int(random, 3, 30) * 86_400_000).toISOString().slice(0, 10),
  };
  return {
    patientId: key, generatedAt: '', requestId: '', model: 'discharge-summary',
    medications: medications.map((m) => ({ medicationCodeableConcept: { text: m.name }, status: 'active' })),
    summary: facts as unknown as JsonObject,
  };
}

const at = (category: string) => `/summary/@fact/${category}`;

/** One changed fact in the summary only (the structured list stays as it was). */
function injectFact(doc: JsonObject, name: string, random: () => number): readonly Truth[] {
  const facts = doc.summary as unknown as SummaryFacts;
  const truth = (category: string, kind: Truth['kind']): Truth => ({ pointer: at(category), kind, where: 'facts' });
  const medication = pick(random, facts.medications);
  const index = facts.medications.indexOf(medication);
  switch (name) {
    case 'dose-dropped':
      facts.medications[index] = { ...medication, dose: undefined };
      return [truth('dose', 'fact-missing')];
    case 'dose-changed':
      facts.medications[index] = { ...medication, dose: medication.dose! * 2 };
      return [truth('dose', 'fact-changed')];
    case 'frequency-changed':
      facts.medications[index] = { ...medication, frequency: medication.frequency === 'tid' ? 'bid' : 'tid' };
      return [truth('frequency', 'fact-changed')];
    case 'medication-dropped':
      facts.medications.splice(index, 1);
      return [truth('medication', 'fact-missing'), truth('dose', 'fact-missing'), truth('frequency', 'fact-missing')];
    case 'negation-flipped':
      facts.reported.push(facts.denied.shift()!);
      return [truth('negation', 'fact-missing')];
    case 'allergy-dropped':
      facts.allergies.splice(int(random, 0, facts.allergies.length - 1), 1);
      return [truth('allergy', 'fact-missing')];
    case 'allergy-added':
      facts.allergies.push(ALLERGENS.find((a) => !facts.allergies.includes(a))!);
      return [truth('allergy', 'fact-added')];
    case 'follow-up-moved':
      Object.assign(facts, { followUp: new Date(Date.parse(facts.followUp) + 7 * 86_400_000).toISOString().slice(0, 10) });
      return [truth('date', 'fact-missing'), truth('date', 'fact-added')];
    default:
      throw new Error(`no such fact injection: ${name}`);
  }
}

const FACT_INJECTIONS = ['dose-dropped', 'dose-changed', 'frequency-changed', 'medication-dropped', 'negation-flipped', 'allergy-dropped', 'allergy-added', 'follow-up-moved'];

export const FACTS_PLAN: readonly Injection[] = [
  ...FACT_INJECTIONS.map((name): Injection => ({ kind: 'custom', name })),
  { kind: 'changed', where: 'anywhere' }, { kind: 'status' }, { kind: 'header' }, { kind: 'element-removed' },
];

export const factsRoutes: readonly RouteSpec[] = [
  defineRoute({
    id: 'discharge-summary', matchPath: '/api/patients/:id/summary', stickiness: { path: 'id' }, url: (key) => `/api/patients/${key}/summary`,
    document: summaryDocument,
    wire: SUMMARY_WIRE, plan: FACTS_PLAN, injectCustom: injectFact, fixed: ['/summary'],
    compare: { facts: ['/summary'] },
    noise: [{ pointer: '/generatedAt', kind: 'timestamp' }, { pointer: '/requestId', kind: 'uuid' }],
  }),
];
