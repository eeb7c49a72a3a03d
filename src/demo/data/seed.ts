// The fixed anchors of the synthetic dataset. Every generated value derives from these, never from
// the wall clock, so the demo data is identical on every machine and every run.

export const DATASET_SEED = 'ficus-demo-dataset-v1';

/** "Today" as far as the dataset is concerned: vitals are recorded in the days before it. */
export const DATASET_EPOCH = new Date('2025-11-03T06:00:00.000Z');

export const PATIENT_COUNT = 500;

export const MRN_SYSTEM = 'http://ehr.example.org/fhir/sid/mrn';

export function patientIdOf(index: number): string {
  return `pat-${String(index).padStart(4, '0')}`;
}

/** pat-0001 … pat-0500 → 1 … 500; undefined for anything that is not a demo patient id. */
export function patientIndexOf(id: string): number | undefined {
  const match = /^pat-(\d{4})$/.exec(id);
  if (!match) return undefined;
  const index = Number(match[1]);
  return index >= 1 && index <= PATIENT_COUNT ? index : undefined;
}

export function mrnOf(index: number): string {
  return `MRN-${String(4410 + index * 7).padStart(8, '0')}`;
}

export function allPatientIds(): string[] {
  return Array.from({ length: PATIENT_COUNT }, (_, i) => patientIdOf(i + 1));
}
