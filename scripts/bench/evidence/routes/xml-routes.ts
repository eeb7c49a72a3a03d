// XML answers: a CDA discharge document (attributes and elements, an ISO-8859-1-free but
// accented surname, `&` in an address, each call spelled differently: see wire/xml-wire.ts) and a
// FHIR Patient that legacy serves as FHIR XML and the new service as FHIR JSON (`format: fhir`).
import { pick } from '../../../../src/demo/shared/prng.ts';
import { dateAt, decimal, given, hexId, int, isoAt, LOINC_LABS, RXNORM, surname, times } from '../clinical-values.ts';
import type { JsonObject, RouteSpec } from '../route-spec.ts';
import { CDA_WIRE, FHIR_XML_WIRE } from '../wire/xml-wire.ts';
import { defineRoute, UNTYPED_PLAN } from './define-route.ts';

const LOINC = '2.16.840.1.113883.6.1';
const RXNORM_OID = '2.16.840.1.113883.6.88';
const ts = (iso: string) => iso.replace(/[-:TZ]/g, '').slice(0, 14);

const person = (random: () => number): JsonObject => ({ name: { given: given(random), family: surname(random).replace(/o/, 'ö') } });

function cda(random: () => number, key: string): JsonObject {
  const meds = times(random, 2, 5, () => {
    const [code, name] = pick(random, RXNORM);
    return { substanceAdministration: { '@classCode': 'SBADM', '@moodCode': 'INT', doseQuantity: { '@value': String(pick(random, [5, 10, 20, 40])), '@unit': 'mg' }, consumable: { manufacturedProduct: { manufacturedMaterial: { code: { '@code': code, '@codeSystem': RXNORM_OID, '@displayName': name } } } } } };
  });
  const labs = times(random, 2, 6, () => {
    const [loinc, name, unit, low, high] = pick(random, LOINC_LABS);
    return { observation: { '@classCode': 'OBS', '@moodCode': 'EVN', code: { '@code': loinc, '@codeSystem': LOINC, '@displayName': name }, value: { '@type': 'PQ', '@value': decimal(random, low, high, 2).toFixed(2), '@unit': unit }, interpretationCode: { '@code': pick(random, ['N', 'H', 'L']) } } };
  });
  return {
    ClinicalDocument: {
      '@classCode': 'DOCCLIN', '@moodCode': 'EVN',
      typeId: { '@root': '2.16.840.1.113883.1.3', '@extension': 'POCD_HD000040' },
      id: { '@root': '' },
      code: { '@code': '18842-5', '@codeSystem': LOINC, '@displayName': 'Discharge summary' },
      title: 'Discharge summary',
      effectiveTime: { '@value': '' },
      confidentialityCode: { '@code': 'N' },
      recordTarget: { patientRole: {
        id: { '@root': '2.16.840.1.113883.19.5', '@extension': key },
        addr: { streetAddressLine: `${int(random, 1, 999)} Elm St & Rear`, city: 'Springfield', postalCode: String(int(random, 60000, 62999)) },
        patient: { name: { given: [given(random), given(random)], family: surname(random).replace(/a/, 'å') }, administrativeGenderCode: { '@code': pick(random, ['F', 'M']), '@codeSystem': '2.16.840.1.113883.5.1' }, birthTime: { '@value': dateAt(random, 30_000).replaceAll('-', '') } },
      } },
      author: { time: { '@value': ts(isoAt(random, 48)) }, assignedAuthor: { id: { '@root': '2.16.840.1.113883.4.6', '@extension': String(int(random, 1000000000, 1999999999)) }, assignedPerson: person(random) } },
      participant: times(random, 2, 4, (i) => ({ '@typeCode': 'IND', associatedEntity: { '@classCode': pick(random, ['PRS', 'NOK', 'CAREGIVER']), code: { '@code': `R${i}${hexId(random, 3)}` }, associatedPerson: person(random) } })),
      component: { structuredBody: { component: [
        { section: { code: { '@code': '10160-0', '@codeSystem': LOINC, '@displayName': 'Medications' }, title: 'Medications', entry: meds } },
        { section: { code: { '@code': '30954-2', '@codeSystem': LOINC, '@displayName': 'Results' }, title: 'Results', entry: labs } },
      ] } },
    },
  };
}

export const xmlRoutes: readonly RouteSpec[] = [
  defineRoute({
    id: 'cda-discharge', matchPath: '/cda/patients/:id/discharge', stickiness: { path: 'id' }, url: (key) => `/cda/patients/${key}/discharge`,
    document: (random, key) => cda(random, key),
    wire: CDA_WIRE, plan: UNTYPED_PLAN, headers: { 'content-type': 'application/xml; charset=utf-8', 'cache-control': 'no-store' },
    noise: [{ pointer: '/ClinicalDocument/id/@root', kind: 'uuid' }, { pointer: '/ClinicalDocument/effectiveTime/@value', kind: 'timestamp' }, { pointer: '/ClinicalDocument/@cacheStatus', kind: 'optional' }],
    shuffled: ['/ClinicalDocument/participant'],
    unordered: ['/ClinicalDocument/component/structuredBody/component/*/section/entry'],
  }),
  defineRoute({
    id: 'fhir-patient-xml', matchPath: '/fhir/xml/Patient/:id', stickiness: { path: 'id' }, url: (key) => `/fhir/xml/Patient/${key}`,
    document: (random, key) => ({
      resourceType: 'Patient', id: key, meta: { versionId: String(int(random, 1, 9)), lastUpdated: '' }, active: true,
      identifier: [{ system: 'urn:mrn', value: `MRN-${int(random, 100000, 999999)}` }, { system: 'urn:ssn-last4', value: String(int(random, 1000, 9999)) }],
      name: [{ use: 'official', family: surname(random), given: [given(random), given(random)] }],
      gender: pick(random, ['female', 'male', 'other']), birthDate: dateAt(random, 30_000),
      telecom: times(random, 2, 4, (i) => ({ system: i === 0 ? 'phone' : pick(random, ['phone', 'email', 'sms']), value: `555-01${int(random, 10, 99)}`, use: pick(random, ['home', 'work', 'mobile']), rank: i + 1 })),
      address: [{ line: [`${int(random, 1, 999)} Elm St`, `Apt ${int(random, 1, 40)}`], city: 'Springfield', postalCode: String(int(random, 10000, 99999)) }],
      multipleBirthBoolean: random() < 0.1,
    }),
    wire: FHIR_XML_WIRE, plan: UNTYPED_PLAN,
    // Content-Type differs by design (XML against JSON): not a compared header here.
    headers: { 'cache-control': 'no-store', etag: 'W/"1"' },
    compare: { format: 'fhir' },
    noise: [{ pointer: '/meta/lastUpdated', kind: 'timestamp' }],
    unordered: ['/telecom'],
  }),
];
