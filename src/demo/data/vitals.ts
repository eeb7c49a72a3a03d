// Synthetic vital-sign Observations: about 35 per patient, one every few hours before the dataset
// epoch, each with a three-decimal valueQuantity (the precision the legacy bedside interface stores).
import { between, pick, seededRandom } from '../shared/prng.ts';
import type { FhirResource } from '../shared/fhir.ts';
import { DATASET_EPOCH, DATASET_SEED, patientIndexOf } from './seed.ts';

interface VitalKind {
  readonly loinc: string;
  readonly display: string;
  readonly unit: string;
  readonly ucum: string;
  readonly low: number;
  readonly high: number;
}

// Every range starts well above 5, so a relative tolerance of 0.001 covers 2-decimal rounding.
const VITAL_KINDS: readonly VitalKind[] = [
  { loinc: '8867-4', display: 'Heart rate', unit: 'beats/minute', ucum: '/min', low: 52, high: 118 },
  { loinc: '9279-1', display: 'Respiratory rate', unit: 'breaths/minute', ucum: '/min', low: 11, high: 26 },
  { loinc: '8310-5', display: 'Body temperature', unit: 'Cel', ucum: 'Cel', low: 35.8, high: 39.4 },
  { loinc: '59408-5', display: 'Oxygen saturation in Arterial blood by Pulse oximetry', unit: '%', ucum: '%', low: 88, high: 100 },
  { loinc: '29463-7', display: 'Body weight', unit: 'kg', ucum: 'kg', low: 42, high: 131 },
];

export const VITAL_SIGNS_CATEGORY = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs', display: 'Vital Signs' }] };

/** Newest first, the order both upstreams page through. Empty for unknown patients. */
export function synthesizeVitals(patientId: string): FhirResource[] {
  const index = patientIndexOf(patientId);
  if (index === undefined) return [];
  const random = seededRandom(`${DATASET_SEED}:vitals:${patientId}`);
  const count = 30 + Math.floor(random() * 11);
  let takenAt = DATASET_EPOCH.getTime() - Math.floor(random() * 3_600) * 1000;
  const observations: FhirResource[] = [];
  for (let n = 1; n <= count; n++) {
    const kind = pick(random, VITAL_KINDS);
    const value = Math.round(between(random, kind.low, kind.high) * 1000) / 1000;
    observations.push(vitalObservation(`obs-${String(index).padStart(4, '0')}-${String(n).padStart(3, '0')}`, patientId, kind, value, new Date(takenAt)));
    takenAt -= Math.floor(between(random, 2, 7) * 3_600_000);
  }
  return observations;
}

function vitalObservation(id: string, patientId: string, kind: VitalKind, value: number, takenAt: Date): FhirResource {
  const effectiveDateTime = takenAt.toISOString();
  return {
    resourceType: 'Observation',
    id,
    meta: { versionId: '1', lastUpdated: effectiveDateTime },
    status: 'final',
    category: [VITAL_SIGNS_CATEGORY],
    code: { coding: [{ system: 'http://loinc.org', code: kind.loinc, display: kind.display }], text: kind.display },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime,
    valueQuantity: { value, unit: kind.unit, system: 'http://unitsofmeasure.org', code: kind.ucum },
  };
}
