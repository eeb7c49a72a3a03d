// Building blocks for synthetic clinical documents: every value comes from the seeded random the
// corpus passes in, so the same seed gives the same corpus byte for byte. No real patient data.
import { pick } from '../../../src/demo/shared/prng.ts';
import type { Json, JsonObject } from './route-spec.ts';

/** All corpus times sit around one fixed day, so runs agree whatever the clock says. */
export const CORPUS_EPOCH_MS = Date.UTC(2026, 10, 29, 6, 0, 0);

export function isoAt(random: () => number, withinHours = 72): string {
  const ms = CORPUS_EPOCH_MS - Math.floor(random() * withinHours * 3_600) * 1_000;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function dateAt(random: () => number, withinDays = 30): string {
  return isoAt(random, withinDays * 24).slice(0, 10);
}

export function int(random: () => number, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

export function decimal(random: () => number, low: number, high: number, places: number): number {
  return Number((low + random() * (high - low)).toFixed(places));
}

export function hexId(random: () => number, length = 12): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

export function uuid(random: () => number): string {
  const h = hexId(random, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tho', 'var', 'del', 'sun', 'bri', 'och', 'mar', 'fen', 'ul', 'gar', 'nis', 'tak', 'vol', 'pem', 'rud', 'xi'];

/** Synthetic surnames from a large space: a name used as a map key rarely recurs across documents. */
export function surname(random: () => number): string {
  const n = int(random, 2, 3);
  let name = '';
  for (let i = 0; i < n; i++) name += pick(random, SYLLABLES);
  return name[0]!.toUpperCase() + name.slice(1);
}

export function given(random: () => number): string {
  return pick(random, ['Ada', 'Bo', 'Cyra', 'Dane', 'Eli', 'Fern', 'Gus', 'Hana', 'Ivo', 'Juna', 'Kit', 'Lior', 'Mae', 'Nico', 'Oona', 'Pax']);
}

export function coding(random: () => number, system: string, table: readonly (readonly [string, string])[]): JsonObject {
  const [code, display] = pick(random, table);
  return { system, code, display };
}

export function times<T extends Json>(random: () => number, low: number, high: number, make: (i: number) => T): T[] {
  return Array.from({ length: int(random, low, high) }, (_, i) => make(i));
}

export function fhirMeta(): JsonObject {
  // lastUpdated and requestId are filled per call by the corpus's noise (placeholders here).
  return { versionId: '1', lastUpdated: '', source: 'ehr-legacy' };
}

export const LOINC_VITALS: readonly (readonly [string, string])[] = [
  ['8867-4', 'Heart rate'], ['8480-6', 'Systolic blood pressure'], ['8462-4', 'Diastolic blood pressure'],
  ['8310-5', 'Body temperature'], ['9279-1', 'Respiratory rate'], ['59408-5', 'Oxygen saturation'],
];

export const LOINC_LABS: readonly (readonly [string, string, string, number, number])[] = [
  ['2345-7', 'Glucose', 'mg/dL', 70, 180], ['2160-0', 'Creatinine', 'mg/dL', 0.5, 2.1], ['2951-2', 'Sodium', 'mmol/L', 132, 148],
  ['2823-3', 'Potassium', 'mmol/L', 3.2, 5.4], ['718-7', 'Hemoglobin', 'g/dL', 9, 17], ['4548-4', 'HbA1c', '%', 4.8, 10.5],
  ['6690-2', 'WBC', '10*3/uL', 3.5, 14], ['777-3', 'Platelets', '10*3/uL', 120, 420],
];

export const RXNORM: readonly (readonly [string, string])[] = [
  ['197361', 'Amlodipine 5 MG Oral Tablet'], ['860975', 'Metformin 500 MG Oral Tablet'], ['314076', 'Lisinopril 10 MG Oral Tablet'],
  ['617314', 'Atorvastatin 20 MG Oral Tablet'], ['197884', 'Furosemide 40 MG Oral Tablet'], ['310965', 'Ibuprofen 400 MG Oral Tablet'],
  ['1049221', 'Oxycodone 5 MG Oral Tablet'], ['855332', 'Warfarin 5 MG Oral Tablet'], ['1719286', 'Apixaban 5 MG Oral Tablet'],
];

export const ICD10: readonly (readonly [string, string])[] = [
  ['E11.9', 'Type 2 diabetes mellitus'], ['I10', 'Essential hypertension'], ['J44.9', 'COPD'], ['N18.3', 'CKD stage 3'],
  ['I48.91', 'Atrial fibrillation'], ['E78.5', 'Hyperlipidemia'], ['F32.9', 'Major depressive disorder'], ['M54.5', 'Low back pain'],
];
