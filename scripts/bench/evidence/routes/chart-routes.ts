// The chart's own JSON APIs (not FHIR): vitals with numbers, medication lists, lab panels,
// problem lists with ICD-10 codes, the medication administration record keyed by date, intake and
// output, pediatric growth. Field names with digits (hba1c, o2Sat, icd10Code) are real names.
import { pick } from '../../../../src/demo/shared/prng.ts';
import { dateAt, decimal, given, hexId, ICD10, int, isoAt, LOINC_LABS, LOINC_VITALS, RXNORM, surname, times, uuid } from '../clinical-values.ts';
import type { JsonObject, RouteSpec } from '../route-spec.ts';
import { defineRoute } from './define-route.ts';

const patientApi = (id: string, suffix: string, document: RouteSpec['document'], extra: Partial<RouteSpec>): RouteSpec =>
  defineRoute({ id, matchPath: `/api/patients/:id/${suffix}`, stickiness: { path: 'id' }, url: (key) => `/api/patients/${key}/${suffix}`, document, ...extra });

const generated = [{ pointer: '/generatedAt', kind: 'timestamp' }, { pointer: '/requestId', kind: 'uuid' }] as const;

export const chartRoutes: readonly RouteSpec[] = [
  patientApi('vitals', 'vitals', (random, key) => ({
    patientId: key, generatedAt: '', requestId: '', unit: 'ICU-3',
    readings: times(random, 4, 10, () => {
      const [code, display] = pick(random, LOINC_VITALS);
      return { takenAt: isoAt(random, 24), loinc: code, metric: display, value: decimal(random, 35, 190, 1), o2Sat: int(random, 88, 100), method: pick(random, ['cuff', 'arterial', 'oral']), takenBy: given(random) };
    }),
  }), { noise: [...generated, { pointer: '/readings/*/deviceLatencyMs', kind: 'number' }], shuffled: ['/readings'], numeric: { '/readings/*/value': 0.05 }, timestamp: { '/readings/*/takenAt': 1_000 } }),
  patientApi('medication-list', 'medications', (random, key) => ({
    patientId: key, generatedAt: '', requestId: '', reconciled: true,
    medications: times(random, 3, 9, () => {
      const [rxnorm, name] = pick(random, RXNORM);
      const doseMg = pick(random, [2.5, 5, 10, 20, 40, 500]);
      return { orderId: `ORD-${hexId(random, 6)}`, rxnorm, name, doseMg, doseMgPerKg: Number((doseMg / decimal(random, 40, 110, 1)).toFixed(4)), route: pick(random, ['PO', 'IV', 'SC']), frequency: pick(random, ['QD', 'BID', 'TID', 'Q6H PRN']), prescriber: surname(random), active: true };
    }),
  }), { noise: [...generated, { pointer: '/medications/*/pharmacySyncedAt', kind: 'timestamp' }], unordered: ['/medications'], numeric: { '/medications/*/doseMgPerKg': 0.001 } }),
  patientApi('lab-panel', 'labs/latest', (random, key) => ({
    patientId: key, generatedAt: '', requestId: '', collectedAt: isoAt(random, 48), panel: 'CMP',
    hba1c: decimal(random, 4.8, 10.5, 1), egfr: int(random, 25, 110), ldlMgDl: int(random, 60, 190),
    results: times(random, 5, 9, () => {
      const [loinc, name, unit, low, high] = pick(random, LOINC_LABS);
      return { loinc, name, value: decimal(random, low, high, 2), unit, refLow: low, refHigh: high, flag: pick(random, ['N', 'H', 'L']) };
    }),
  }), { noise: generated, shuffled: ['/results'], numeric: { '/results/*/value': 0.005, '/hba1c': 0.05 } }),
  patientApi('problem-list', 'problems', (random, key) => ({
    patientId: key, generatedAt: '', requestId: '',
    problems: times(random, 2, 7, () => {
      const [icd10Code, description] = pick(random, ICD10);
      return { problemId: `PRB-${hexId(random, 6)}`, icd10Code, snomedCt: String(int(random, 1000000, 9999999)), description, onset: dateAt(random, 4000), status: pick(random, ['active', 'resolved']), priority: int(random, 1, 5) };
    }),
  }), { noise: [...generated, { pointer: '/servedFromCache', kind: 'optional' }], keyed: { '/problems': 'problemId' } }),
  patientApi('medication-administration', 'mar', (random, key) => {
    const byDate: JsonObject = {};
    for (let d = 0; d < int(random, 2, 4); d++) {
      byDate[dateAt(random, 10)] = times(random, 2, 4, () => ({ administeredAt: isoAt(random, 240), medication: pick(random, RXNORM)[1], doseMg: pick(random, [5, 10, 20]), nurse: given(random), scanned: random() < 0.9 }));
    }
    return { patientId: key, generatedAt: '', requestId: '', administrationsByDate: byDate };
  }, { noise: generated, dataMaps: ['/administrationsByDate'], timestamp: { '/administrationsByDate/*/*/administeredAt': 60_000 } }),
  patientApi('intake-output', 'io', (random, key) => ({
    patientId: key, generatedAt: '', requestId: '', shift: pick(random, ['day', 'night']),
    totals: { intakeMl: int(random, 800, 3200), outputMl: int(random, 500, 2800), balanceMl: int(random, -900, 1200) },
    entries: times(random, 4, 9, () => ({ entryId: uuid(random), at: isoAt(random, 12), direction: pick(random, ['in', 'out']), source: pick(random, ['IV', 'PO', 'urine', 'drain']), volumeMl: int(random, 50, 900) })),
  }), { noise: [...generated, { pointer: '/entries/*/syncedAt', kind: 'timestamp' }], shuffled: ['/entries'] }),
  patientApi('flowsheet', 'flowsheet', (random, key) => {
    // Rows are identified by time and measure together: neither alone is unique.
    const hours = Array.from({ length: int(random, 2, 4) }, (_, h) => `${String(6 + h * 2).padStart(2, '0')}:00`);
    const measures = ['HR', 'SBP', 'DBP', 'RR', 'SpO2'].filter(() => random() < 0.7);
    return {
      patientId: key, generatedAt: '', requestId: '', unit: 'Ward 4B',
      rows: hours.flatMap((time) => (measures.length ? measures : ['HR']).map((measure) => ({ time, measure, value: decimal(random, 12, 180, 1), enteredBy: given(random), validated: random() < 0.8 }))),
    };
  }, { noise: generated, keyed: { '/rows': ['time', 'measure'] }, numeric: { '/rows/*/value': 0.05 } }),
  patientApi('growth-chart', 'growth', (random, key) => ({
    patientId: key, generatedAt: '', requestId: '', sex: pick(random, ['F', 'M']),
    measurements: times(random, 3, 8, (i) => ({ ageMonths: i * 3 + int(random, 0, 2), weightKg: decimal(random, 3, 20, 3), heightCm: decimal(random, 48, 110, 1), bmiPercentile: decimal(random, 1, 99, 2), whoZScore: decimal(random, -3, 3, 3) })),
  }), { noise: generated, numeric: { '/measurements/*/weightKg': 0.001, '/measurements/*/bmiPercentile': 0.01, '/measurements/*/whoZScore': 0.0005 } }),
];
