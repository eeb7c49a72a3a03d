// MedicationRequest search shared by both upstreams: the patient's orders, plus — when asked with
// _include=MedicationRequest:medication — each referenced Medication once.
import { patientIdFromReference, type FhirResource } from '../shared/fhir.ts';
import { findMedication, synthesizeMedicationRequests } from './medications.ts';

export const MEDICATION_INCLUDE = 'MedicationRequest:medication';

export interface MedicationSearchResult {
  readonly requests: FhirResource[];
  /** Referenced Medications in order of first reference; empty unless the include was asked for. */
  readonly included: FhirResource[];
}

export function searchMedicationRequests(query: URLSearchParams): MedicationSearchResult | string {
  const patientId = patientIdFromReference(query.get('patient'));
  if (!patientId) return 'MedicationRequest search needs a patient parameter';
  const requests = synthesizeMedicationRequests(patientId);
  const wantsMedications = query.getAll('_include').includes(MEDICATION_INCLUDE);
  return { requests, included: wantsMedications ? referencedMedications(requests) : [] };
}

function referencedMedications(requests: readonly FhirResource[]): FhirResource[] {
  const seen = new Map<string, FhirResource>();
  for (const request of requests) {
    const reference = (request.medicationReference as { reference?: string } | undefined)?.reference ?? '';
    const id = reference.replace(/^Medication\//, '');
    const medication = findMedication(id);
    if (medication && !seen.has(id)) seen.set(id, medication);
  }
  return [...seen.values()];
}
