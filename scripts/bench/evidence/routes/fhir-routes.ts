// FHIR R4-like reads and searches: Patient, Observation, AllergyIntolerance, Condition, Encounter,
// Immunization, DiagnosticReport, MedicationRequest. Search results come back as Bundles whose
// entries legacy returns in random order (its SQL has no ORDER BY), with per-call bundle ids.
import { pick } from '../../../../src/demo/shared/prng.ts';
import { coding, dateAt, decimal, fhirMeta, given, hexId, ICD10, int, isoAt, LOINC_LABS, LOINC_VITALS, RXNORM, surname, times } from '../clinical-values.ts';
import type { JsonObject, RouteSpec } from '../route-spec.ts';
import { BUNDLE_NOISE, defineRoute, FHIR_HEADERS } from './define-route.ts';

const bundle = (key: string, type: string, resources: JsonObject[]): JsonObject => ({
  resourceType: 'Bundle', id: '', meta: { lastUpdated: '' }, type: 'searchset', total: resources.length,
  link: [{ relation: 'self', url: `${type}?patient=${key}` }],
  entry: resources.map((resource) => ({ fullUrl: `urn:${type}/${String(resource.id)}`, resource, search: { mode: 'match' } })),
});

const search = (id: string, type: string, make: (random: () => number, key: string, i: number) => JsonObject, extra: Partial<RouteSpec> = {}): RouteSpec =>
  defineRoute({
    id, matchPath: `/fhir/${type}`, stickiness: { query: 'patient' }, url: (key) => `/fhir/${type}?patient=${key}`,
    document: (random, key) => bundle(key, type, times(random, 3, 8, (i) => ({ resourceType: type, id: `${type.toLowerCase()}-${hexId(random, 8)}`, meta: fhirMeta(), ...make(random, key, i) }))),
    noise: BUNDLE_NOISE, shuffled: ['/entry'], headers: FHIR_HEADERS, ...extra,
  });

export const fhirRoutes: readonly RouteSpec[] = [
  defineRoute({
    id: 'patient-read', matchPath: '/fhir/Patient/:id', stickiness: { path: 'id' }, url: (key) => `/fhir/Patient/${key}`,
    document: (random, key) => ({
      resourceType: 'Patient', id: key, meta: { ...fhirMeta(), requestId: '' }, active: true,
      identifier: [{ system: 'urn:mrn', value: `MRN-${int(random, 100000, 999999)}` }, { system: 'urn:ssn-last4', value: String(int(random, 1000, 9999)) }],
      name: [{ use: 'official', family: surname(random), given: [given(random), given(random)] }],
      gender: pick(random, ['female', 'male', 'other']), birthDate: dateAt(random, 30_000),
      telecom: times(random, 2, 4, (i) => ({ system: i === 0 ? 'phone' : pick(random, ['phone', 'email', 'sms']), value: `555-01${int(random, 10, 99)}`, use: pick(random, ['home', 'work', 'mobile']), rank: i + 1 })),
      address: [{ line1: `${int(random, 1, 999)} Elm St`, address2: `Apt ${int(random, 1, 40)}`, city: 'Springfield', postalCode: String(int(random, 10000, 99999)) }],
    }),
    noise: [{ pointer: '/meta/lastUpdated', kind: 'timestamp' }, { pointer: '/meta/requestId', kind: 'uuid' }],
    unordered: ['/telecom'], headers: { ...FHIR_HEADERS, etag: 'W/"1"' },
  }),
  search('observation-search', 'Observation', (random, key) => {
    const [code, display] = pick(random, LOINC_VITALS);
    return { status: 'final', code: { coding: [{ system: 'http://loinc.org', code, display }] }, subject: { reference: `Patient/${key}` }, effectiveDateTime: isoAt(random), valueQuantity: { value: decimal(random, 36, 180, 2), unit: 'unit', system: 'http://unitsofmeasure.org' } };
  }, { numeric: { '/entry/*/resource/valueQuantity/value': 0.01 }, timestamp: { '/entry/*/resource/effectiveDateTime': 2_000 } }),
  search('allergy-search', 'AllergyIntolerance', (random, key) => ({
    clinicalStatus: 'active', criticality: pick(random, ['low', 'high']), code: coding(random, 'http://rxnorm', RXNORM), patient: { reference: `Patient/${key}` },
    recordedDate: dateAt(random, 900), reaction: [{ manifestation: pick(random, ['hives', 'rash', 'anaphylaxis', 'nausea']), severity: pick(random, ['mild', 'moderate', 'severe']) }],
  })),
  search('condition-search', 'Condition', (random, key) => {
    const [icd10Code, display] = pick(random, ICD10);
    return { clinicalStatus: 'active', icd10Code, display, subject: { reference: `Patient/${key}` }, onsetDate: dateAt(random, 3000), severity: pick(random, ['mild', 'moderate', 'severe']) };
  }),
  search('encounter-search', 'Encounter', (random, key) => ({
    status: pick(random, ['finished', 'in-progress']), class: pick(random, ['AMB', 'IMP', 'EMER']), subject: { reference: `Patient/${key}` },
    period: { start: isoAt(random, 2000), end: isoAt(random, 10) }, lengthOfStayHours: decimal(random, 0.5, 240, 1), location: `Ward ${int(random, 1, 9)}`,
  }), { numeric: { '/entry/*/resource/lengthOfStayHours': 0.05 } }),
  search('immunization-search', 'Immunization', (random, key) => ({
    status: 'completed', vaccineCode: pick(random, ['FLU-2026', 'COVID-XBB', 'TDAP', 'HEPB']), patient: { reference: `Patient/${key}` },
    occurrenceDateTime: isoAt(random, 20_000), lotNumber: `LOT${int(random, 1000, 9999)}`, doseQuantityMl: decimal(random, 0.25, 1, 2), site: pick(random, ['LA', 'RA', 'LT']),
  })),
  defineRoute({
    id: 'diagnostic-report', matchPath: '/fhir/DiagnosticReport/:id', stickiness: { path: 'id' }, url: (key) => `/fhir/DiagnosticReport/${key}`,
    document: (random, key) => ({
      resourceType: 'DiagnosticReport', id: key, meta: fhirMeta(), status: 'final', code: { text: 'Basic metabolic panel' }, issued: isoAt(random, 48),
      result: times(random, 4, 8, () => {
        const [code, display, unit, low, high] = pick(random, LOINC_LABS);
        return { id: `obs-${hexId(random, 8)}`, code, display, valueQuantity: { value: decimal(random, low, high, 1), unit }, interpretation: pick(random, ['N', 'H', 'L']) };
      }),
      conclusion: 'Results reviewed', valueBase64Binary: Buffer.from(`report-${key}`).toString('base64'),
    }),
    noise: [{ pointer: '/meta/lastUpdated', kind: 'timestamp' }, { pointer: '/meta/tag', kind: 'optional' }],
    keyed: { '/result': 'id' }, numeric: { '/result/*/valueQuantity/value': 0.05 }, headers: FHIR_HEADERS,
  }),
  search('medication-request-search', 'MedicationRequest', (random, key) => ({
    status: 'active', intent: 'order', medication: coding(random, 'http://www.nlm.nih.gov/research/umls/rxnorm', RXNORM), subject: { reference: `Patient/${key}` },
    authoredOn: isoAt(random, 500), dosageInstruction: [{ text: pick(random, ['once daily', 'twice daily', 'every 6 hours as needed']), doseQuantity: { value: pick(random, [5, 10, 20, 40, 500]), unit: 'mg' } }],
  })),
];
