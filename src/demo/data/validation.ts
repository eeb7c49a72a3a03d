// The checks a write must pass on either upstream. Shared so a dry-run on the new service refuses
// exactly what a real write would refuse — the point of validating without persisting.
import { isObject } from '../shared/fhir.ts';
import type { DemoStore } from './store.ts';

const OBSERVATION_STATUSES = ['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error', 'unknown'];
const ADMINISTRATION_STATUSES = ['in-progress', 'not-done', 'on-hold', 'completed', 'entered-in-error', 'stopped', 'unknown'];

/** A reason the body cannot be stored as an Observation, or undefined when it can. */
export function observationProblem(body: unknown, store: DemoStore): string | undefined {
  if (!isObject(body) || body.resourceType !== 'Observation') return 'Body must be a JSON Observation resource';
  if (!OBSERVATION_STATUSES.includes(String(body.status))) return 'Observation.status is missing or not a known code';
  if (!isObject(body.code)) return 'Observation.code is required';
  return subjectProblem(body.subject, store);
}

export function medicationAdministrationProblem(body: unknown, store: DemoStore): string | undefined {
  if (!isObject(body) || body.resourceType !== 'MedicationAdministration') return 'Body must be a JSON MedicationAdministration resource';
  if (!ADMINISTRATION_STATUSES.includes(String(body.status))) return 'MedicationAdministration.status is missing or not a known code';
  if (!isObject(body.medicationReference) && !isObject(body.medicationCodeableConcept)) return 'MedicationAdministration.medication[x] is required';
  if (body.effectiveDateTime === undefined && body.effectivePeriod === undefined) return 'MedicationAdministration.effective[x] is required';
  return subjectProblem(body.subject, store);
}

function subjectProblem(subject: unknown, store: DemoStore): string | undefined {
  const reference = isObject(subject) ? subject.reference : undefined;
  if (typeof reference !== 'string' || !reference.startsWith('Patient/')) return 'subject must reference a Patient';
  return store.findPatient(reference.slice('Patient/'.length)) ? undefined : `subject ${reference} is not a known patient`;
}
