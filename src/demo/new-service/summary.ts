// GET /fhir/Patient/:id/$summary — a generated plain-English summary, worded differently on every
// call the way a language model's output is. Exact comparison is meaningless here; this route
// exists for Ficus's `shape` rule (same keys and JSON types, any text).
import type { Route, RouteContext } from '../shared/router.ts';
import { operationOutcome } from '../shared/fhir.ts';
import { sendFhir } from '../shared/respond.ts';
import { pick } from '../shared/prng.ts';
import type { DemoStore } from '../data/store.ts';
import { synthesizeMedicationRequests } from '../data/medications.ts';
import { renderNewPatient } from './patients.ts';
import { renderNewObservation } from './observations.ts';

export interface SummaryDeps {
  readonly store: DemoStore;
  readonly now: () => Date;
  readonly random: () => number;
}

const OPENINGS = ['Here is a brief overview of', 'Summary for', 'This is a concise clinical snapshot of', 'Quick recap on', 'At a glance:'];
const ORDER_PHRASES = ['has {n} active medication orders', 'is currently on {n} active prescriptions', 'carries {n} open medication orders'];
const VITAL_PHRASES = ['The most recent vital sign recorded was {vital}.', 'Latest charted observation: {vital}.', 'Most recently, {vital} was documented.'];
const CLOSINGS = ['', ' Overall, the record appears stable.', ' Let me know if you would like more detail on any of these.', ' No further flags were raised.'];

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
  const latest = store.listObservations(entry.resource.id ?? '')[0];
  const vital = latest ? describeVital(renderNewObservation(latest)) : 'none on file';
  const text = `${pick(random, OPENINGS)} ${who}, a ${age} ${String(patient.gender ?? 'unknown')} patient who `
    + `${pick(random, ORDER_PHRASES).replace('{n}', String(orders))}. `
    + `${pick(random, VITAL_PHRASES).replace('{vital}', vital)}${pick(random, CLOSINGS)}`;
  sendFhir(res, 200, { resourceType: 'Basic', text });
}

function ageInYears(birthDate: string, at: Date): number {
  const born = new Date(`${birthDate}T00:00:00Z`);
  let age = at.getUTCFullYear() - born.getUTCFullYear();
  const beforeBirthday = at.getUTCMonth() < born.getUTCMonth() || (at.getUTCMonth() === born.getUTCMonth() && at.getUTCDate() < born.getUTCDate());
  if (beforeBirthday) age -= 1;
  return age;
}

function describeVital(observation: Record<string, unknown>): string {
  const code = observation.code as { text?: string } | undefined;
  const quantity = observation.valueQuantity as { value?: number; unit?: string } | undefined;
  return `${(code?.text ?? 'an observation').toLowerCase()} of ${quantity?.value ?? '?'} ${quantity?.unit ?? ''}`.trim();
}
