// Synthetic medication orders: a small formulary of Medications and, per patient, a few
// MedicationRequests that reference them (so `_include=MedicationRequest:medication` has work to do).
import { pick, seededRandom } from '../shared/prng.ts';
import type { FhirResource } from '../shared/fhir.ts';
import { DATASET_EPOCH, DATASET_SEED, patientIndexOf } from './seed.ts';

const FORMULARY: ReadonlyArray<readonly [code: string, display: string, dose: string]> = [
  ['197361', 'Amlodipine 5 MG Oral Tablet', '5 mg once daily'],
  ['860975', 'Metformin 500 MG Oral Tablet', '500 mg twice daily'],
  ['314076', 'Lisinopril 10 MG Oral Tablet', '10 mg once daily'],
  ['198211', 'Simvastatin 40 MG Oral Tablet', '40 mg at night'],
  ['313782', 'Acetaminophen 325 MG Oral Tablet', '650 mg every 6 hours as needed'],
  ['311700', 'Enoxaparin 40 MG/0.4ML Injectable Solution', '40 mg subcutaneous once daily'],
  ['197517', 'Clarithromycin 500 MG Oral Tablet', '500 mg twice daily for 7 days'],
  ['308136', 'Amoxicillin 500 MG Oral Capsule', '500 mg three times daily'],
  ['310965', 'Ibuprofen 200 MG Oral Tablet', '400 mg every 8 hours as needed'],
  ['198013', 'Naproxen 250 MG Oral Tablet', '250 mg twice daily'],
  ['197591', 'Diazepam 5 MG Oral Tablet', '5 mg at night as needed'],
  ['855332', 'Warfarin Sodium 5 MG Oral Tablet', '5 mg once daily per INR'],
];

export function medicationId(index: number): string {
  return `med-${String(index + 1).padStart(3, '0')}`;
}

export function medicationResource(index: number): FhirResource | undefined {
  const entry = FORMULARY[index];
  if (!entry) return undefined;
  const [code, display] = entry;
  return { resourceType: 'Medication', id: medicationId(index), code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code, display }], text: display }, status: 'active' };
}

export function findMedication(id: string): FhirResource | undefined {
  const match = /^med-(\d{3})$/.exec(id);
  return match ? medicationResource(Number(match[1]) - 1) : undefined;
}

/** 2–6 active orders per patient, in order of authoring. Empty for unknown patients. */
export function synthesizeMedicationRequests(patientId: string): FhirResource[] {
  const index = patientIndexOf(patientId);
  if (index === undefined) return [];
  const random = seededRandom(`${DATASET_SEED}:medications:${patientId}`);
  const count = 2 + Math.floor(random() * 5);
  const formularyIndexes = FORMULARY.map((_, i) => i);
  return Array.from({ length: count }, (_, n) => {
    const formularyIndex = pick(random, formularyIndexes);
    const dose = FORMULARY[formularyIndex]?.[2] ?? '';
    return {
      resourceType: 'MedicationRequest',
      id: `medrx-${String(index).padStart(4, '0')}-${n + 1}`,
      status: 'active',
      intent: 'order',
      medicationReference: { reference: `Medication/${medicationId(formularyIndex)}` },
      subject: { reference: `Patient/${patientId}` },
      authoredOn: new Date(DATASET_EPOCH.getTime() - Math.floor(random() * 30) * 86_400_000).toISOString().slice(0, 10),
      dosageInstruction: [{ text: dose }],
    };
  });
}
