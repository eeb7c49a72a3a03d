// HL7 v2 interfaces of the chart: an ADT^A08 (patient update) and an ORU^R01 (lab results), served
// as ER7 in ISO-8859-1 (names like Müller, Peña), with values holding the delimiters (`&` in an
// address, `|` and `^` in result comments) so escapes are exercised on every message. Each call
// has its own MSH-7/MSH-10 (wire/hl7v2-wire.ts) and legacy its own EVN-2 time and sometimes a
// cache-marker Z segment field: noise to learn. The ORU's OBX group is keyed by OBX-3.1 (the LOINC
// code) and the new service answers it in its own order; legacy returns its NTE notes in any order.
import { pick } from '../../../../src/demo/shared/prng.ts';
import { dateAt, given, hexId, int, LOINC_LABS, surname } from '../clinical-values.ts';
import type { JsonObject, RouteSpec } from '../route-spec.ts';
import { HL7V2_WIRE } from '../wire/hl7v2-wire.ts';
import { defineRoute, UNTYPED_PLAN } from './define-route.ts';

const LATIN1 = [['a', 'å'], ['o', 'ö'], ['u', 'ü'], ['e', 'é'], ['n', 'ñ'], ['c', 'ç']] as const;

/** A synthetic surname with an ISO-8859-1 letter in it (bytes that are not UTF-8 on the wire). */
function latinSurname(random: () => number): string {
  const name = surname(random);
  const present = LATIN1.filter(([p]) => name.slice(1).includes(p));
  if (present.length === 0) return `${name}ß`;
  const [plain, accented] = pick(random, present);
  return name[0] + name.slice(1).replace(plain, accented);
}

const rep = (...components: string[]): JsonObject => Object.fromEntries(components.map((c, i) => [String(i + 1), c]).filter(([, c]) => c !== ''));

function msh(type: string, event: string, structure: string): JsonObject {
  return { 1: '|', 2: '^~\\&', 3: [rep('LEGACYEHR')], 4: [rep('GENHOSP')], 5: [rep('FICUS')], 6: [rep('CHART')], 9: [rep(type, event, structure)], 11: [rep('P')], 12: [rep('2.5.1')] };
}

function pid(random: () => number, key: string): JsonObject {
  return {
    1: [rep('1')],
    3: [rep(key, '', '', 'GENHOSP', 'MR'), rep(`AC${int(random, 100000, 999999)}`, '', '', 'GENHOSP', 'AN')],
    5: [rep(latinSurname(random), given(random), pick(random, ['A', 'J', 'M']))],
    7: [rep(dateAt(random, 30_000).replaceAll('-', ''))],
    8: [rep(pick(random, ['F', 'M', 'U']))],
    11: [rep(`${int(random, 1, 999)} Elm St & Rear`, `Apt ${int(random, 1, 40)}`, 'Springfield', 'IL', String(int(random, 60000, 62999)))],
    13: [rep(`(555)01${int(random, 10, 99)}`, 'PRN', 'PH'), rep(`(555)02${int(random, 10, 99)}`, 'WPN', 'PH')],
  };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const hl7Route = (id: string, suffix: string, document: RouteSpec['document'], extra: Partial<RouteSpec>): RouteSpec =>
  defineRoute({
    id, matchPath: `/hl7/patients/:id/${suffix}`, stickiness: { path: 'id' }, url: (key) => `/hl7/patients/${key}/${suffix}`, document,
    wire: HL7V2_WIRE, plan: UNTYPED_PLAN, headers: { 'content-type': 'application/hl7-v2', 'cache-control': 'no-store' },
    // MSH-1 and MSH-2 are the delimiters: changing them changes how the whole message is read.
    fixed: ['/MSH/*/1', '/MSH/*/2'], ...extra,
  });

export const hl7v2Routes: readonly RouteSpec[] = [
  hl7Route('hl7-adt', 'adt', (random, key) => ({
    MSH: [msh('ADT', 'A08', 'ADT_A01')],
    EVN: [{ 1: [rep('A08')], 2: [rep('placeholder')] }],
    PID: [pid(random, key)],
    PV1: [{ 1: [rep('1')], 2: [rep(pick(random, ['I', 'O', 'E']))], 3: [rep('4B', String(int(random, 1, 30)), pick(random, ['A', 'B']))], 7: [rep(String(int(random, 1000, 9999)), surname(random), given(random), 'DR')], 44: [rep(dateAt(random, 20).replaceAll('-', ''))] }],
    AL1: Array.from({ length: int(random, 2, 4) }, (_, i) => {
      const [code, name] = pick(random, [['PCN', 'Penicillin'], ['SULF', 'Sulfonamide'], ['LTX', 'Latex'], ['PNUT', 'Peanut'], ['ASA', 'Aspirin']]);
      return { 1: [rep(String(i + 1))], 2: [rep('DA')], 3: [rep(code, name, 'L')], 4: [rep(pick(random, ['MI', 'MO', 'SV']))], 5: [rep(pick(random, ['Hives', 'Rash', 'Anaphylaxis']))] };
    }),
    ZFI: [{ 1: [rep('legacy-feed')] }],
  }), { noise: [{ pointer: '/EVN/*/2/*/1', kind: 'timestamp' }, { pointer: '/ZFI/*/2', kind: 'optional' }] }),
  hl7Route('hl7-oru', 'results', (random, key) => {
    const labs = shuffled(LOINC_LABS, random).slice(0, int(random, 3, 7));
    const collected = dateAt(random, 5).replaceAll('-', '');
    return {
      MSH: [msh('ORU', 'R01', 'ORU_R01')],
      PID: [pid(random, key)],
      OBR: [{ 1: [rep('1')], 22: [rep('placeholder')], 2: [rep(`PL${hexId(random, 8)}`)], 3: [rep(`FL${hexId(random, 8)}`)], 4: [rep('24323-8', 'CMP', 'LN')], 7: [rep(collected)], 25: [rep('F')] }],
      OBX: labs.map(([loinc, name, unit, low, high], i) => ({
        1: [rep(String(i + 1))], 2: [rep('NM')], 3: [rep(loinc, name, 'LN')],
        5: [rep((low + random() * (high - low)).toFixed(2))], 6: [rep(unit)], 7: [rep(`${low}-${high}`)], 8: [rep(pick(random, ['N', 'H', 'L']))], 11: [rep('F')], 14: [rep(collected)],
      })),
      NTE: Array.from({ length: int(random, 2, 3) }, (_, i) => ({ 1: [rep(String(i + 1))], 3: [rep(pick(random, ['Hemolysed ^ repeat drawn', 'Called to ward | read back', 'Fasting ~ 10 h', 'Ref: lab\\manual 4.2']) + ` #${i + 1}`)] })),
    };
  }, {
    noise: [{ pointer: '/OBR/*/22/*/1', kind: 'timestamp' }],
    // The LOINC code identifies a result: changing it is another result, not a changed field.
    keyed: { '/OBX': '/3/0/1' }, shuffled: ['/NTE'], fixed: ['/MSH/*/1', '/MSH/*/2', '/OBX/*/3/*/1'],
  }),
];
