// HL7 v2, XML and FHIR XML through compareResponses and toDifferenceRecords: what the store would
// keep for a pair of real-shaped bodies (issue 10 items 1 and 2).
import { describe, expect, it } from 'vitest';
import type { CompareConfig } from './compare-config-schema.ts';
import { resolveCompareLimits } from './compare-limits.ts';
import { compareResponses } from './compare-responses.ts';
import { compileCompareRules } from './compile-compare-rules.ts';
import { toDifferenceRecords } from './to-difference-records.ts';
import type { CapturedResponse } from './types.ts';

const key = { id: 'k1', secret: Buffer.alloc(32, 3) };
const V2 = 'application/hl7-v2; charset=ISO-8859-1';
const captured = (body: string | Buffer, type: string, encoding: BufferEncoding = 'latin1'): CapturedResponse => ({
  status: 200, headers: { 'content-type': type }, body: Buffer.isBuffer(body) ? body : Buffer.from(body, encoding), truncated: false,
});
const compare = async (a: CapturedResponse, b: CapturedResponse, config: { limits?: CompareConfig['limits'] } & Record<string, unknown> = {}) => {
  const comparison = compareResponses(a, b, await compileCompareRules(config, { baseDir: import.meta.dirname }), resolveCompareLimits(config.limits));
  const records = toDifferenceRecords('r', 'shadow', comparison.differences, key, comparison.format);
  return { comparison, stored: records.map((r) => `${r.kind} ${r.pointer}`).sort() };
};

const oru = (o: { time: string; control: string; family: string; glucose: string }) => [
  `MSH|^~\\&|LEGACY|GENERAL|FICUS|GENERAL|${o.time}||ORU^R01^ORU_R01|${o.control}|P|2.5.1`,
  `PID|1||MRN-CANARY-4411^^^GEN^MR||${o.family}^JANE^Q||19700101|F`,
  'OBR|1|||24331-1^Lipid panel^LN',
  `OBX|1|NM|2345-7^Glucose^LN||${o.glucose}|mg/dL|70-99|N|||F`,
  'OBX|2|NM|2093-3^Cholesterol^LN||180|mg/dL|<200|N|||F',
].join('\r') + '\r';

describe('HL7 v2 bodies', () => {
  it('an ORU pair differing in PID-5 and one OBX-5, with other MSH-7 and MSH-10, stores exactly /PID/*/5/*/1 and /OBX/*/5/*/1', async () => {
    const { comparison, stored } = await compare(
      captured(oru({ time: '20261130101500', control: 'C1', family: 'DOE', glucose: '95' }), V2),
      captured(oru({ time: '20261130101502', control: 'C2', family: 'ROE', glucose: '96' }), V2),
    );
    expect(comparison.format).toBe('hl7v2');
    expect(stored).toEqual(['changed /OBX/*/5/*/1', 'changed /PID/*/5/*/1']);
  });

  it('an ACK differing only in MSH-7 and MSH-10 matches, and reports MSH-7 when the route switches the v2 defaults off', async () => {
    const ack = (time: string, id: string) => `MSH|^~\\&|EHR|GENERAL|ADT|GENERAL|${time}||ACK^A01^ACK|${id}|P|2.5.1\rMSA|AA|MSG1|ADT A01 accepted\r`;
    const a = captured(ack('20261130101500', 'ACK000001'), V2);
    const b = captured(ack('20261130101501', 'ACK000002'), 'x-application/hl7-v2+er7');
    expect((await compare(a, b, { headers: [] })).comparison.verdict).toBe('match');
    expect((await compare(a, b, { hl7DefaultIgnores: false, headers: [] })).stored).toEqual(['changed /MSH/*/10/*/1', 'changed /MSH/*/7/*/1']);
  });

  it('round-trips escaped delimiters and ISO-8859-1 names: equal messages match, one changed letter is found at its component', async () => {
    const message = (given: string) => `MSH|^~\\&|A|B|C|D|1||ADT^A08|X|P|2.5.1\rPID|1||X1||M\xfcller^${given}\rNTE|1||Dose 5\\S\\10 \\T\\ \\F\\\r`;
    expect((await compare(captured(message('J\xe9r\xf4me'), V2), captured(message('J\\XE9\\r\xf4me'), V2))).comparison.verdict).toBe('match');
    expect((await compare(captured(message('J\xe9r\xf4me'), V2), captured(message('J\xe8r\xf4me'), V2))).stored).toEqual(['changed /PID/*/5/*/2']);
  });

  it('reads a body without a charset by MSH-18: UTF-8 bytes equal the same names sent as ISO-8859-1', async () => {
    const text = 'MSH|^~\\&|A|B|C|D|1||ADT^A08|X|P|2.5.1||||||UNICODE UTF-8\rPID|1||X1||Müller^Jürgen\r';
    const latin1 = captured(text.replace('UNICODE UTF-8', '8859/1'), V2);
    const utf8 = captured(text, 'application/hl7-v2', 'utf8');
    const { stored } = await compare(latin1, utf8, { headers: [] });
    expect(stored).toEqual(['changed /MSH/*/18/*/1']);
  });

  it('a body that is not v2, or over the limits, is uncomparable with its reason', async () => {
    const good = captured(oru({ time: '1', control: 'C', family: 'DOE', glucose: '95' }), V2);
    expect((await compare(good, captured('<html>502</html>', V2))).comparison).toMatchObject({ verdict: 'uncomparable', reason: 'decode-failed' });
    const many = captured('MSH|^~\\&|A\r' + 'OBX|1|NM\r'.repeat(50), V2);
    expect((await compare(good, many, { limits: { elements: 20 } })).comparison).toMatchObject({ verdict: 'uncomparable', reason: 'too-many-elements' });
  });

  it('keys repeating OBX segments by OBX-3 with the same array rule as JSON: a reordered result is no difference', async () => {
    const message = oru({ time: '1', control: 'C1', family: 'DOE', glucose: '95' });
    const lines = message.split('\r');
    const swapped = [...lines.slice(0, 3), lines[4], lines[3], ...lines.slice(5)].join('\r');
    expect((await compare(captured(message, V2), captured(swapped, V2))).stored).not.toEqual([]);
    expect((await compare(captured(message, V2), captured(swapped, V2), { arrays: { '/OBX': { keyed: '3/0/1' } } })).comparison.verdict).toBe('match');
  });

  it('compares a text/plain body as v2 when the route says format: hl7v2', async () => {
    const a = captured(oru({ time: '1', control: 'C1', family: 'DOE', glucose: '95' }), 'text/plain; charset=ISO-8859-1');
    const b = captured(oru({ time: '2', control: 'C2', family: 'DOE', glucose: '97' }), 'text/plain; charset=ISO-8859-1');
    expect((await compare(a, b, { format: 'hl7v2' })).stored).toEqual(['changed /OBX/*/5/*/1']);
    expect((await compare(a, b)).stored).toEqual(['changed ']);
  });
});

const cda = (extension: string, time: string) => `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <effectiveTime value="${time}"/>
  <recordTarget><patientRole><id root="2.16.840.1.113883.19.5" extension="${extension}"/>
    <patient><name><given>Zebulon</given><family>Quigglesworth</family></name><birthTime value="19310228"/></patient>
  </patientRole></recordTarget>
  <component><structuredBody><component><section><title>Medications</title></section></component>
    <component><section><title>Allergies</title></section></component></structuredBody></component>
</ClinicalDocument>`;

describe('XML bodies', () => {
  it('a CDA pair differing in one attribute stores one readable element path', async () => {
    const { comparison, stored } = await compare(captured(cda('MRN-CANARY-1', '20261130'), 'application/xml'), captured(cda('MRN-CANARY-2', '20261130'), 'text/xml'), { headers: [] });
    expect(comparison.format).toBe('xml');
    expect(stored).toEqual(['changed /ClinicalDocument/recordTarget/patientRole/id/@extension']);
  });

  it('binds namespaces by URI, not prefix, and templates repeated siblings', async () => {
    const prefixed = cda('X', '1').replace(/<(\/?)(?!\?)/g, '<$1cda:').replace('xmlns=', 'xmlns:cda=');
    expect((await compare(captured(cda('X', '1'), 'application/cda+xml'), captured(prefixed, 'application/cda+xml'))).comparison.verdict).toBe('match');
    const retitled = cda('X', '1').replace('<title>Allergies', '<title>Problems');
    expect((await compare(captured(cda('X', '1'), 'application/xml'), captured(retitled, 'application/xml'))).stored)
      .toEqual(['changed /ClinicalDocument/component/structuredBody/component/*/section/title']);
  });

  it('an unparseable XML body is uncomparable, never a match', async () => {
    expect((await compare(captured(cda('X', '1'), 'application/xml'), captured('<ClinicalDocument><id>', 'application/xml'))).comparison).toMatchObject({ verdict: 'uncomparable', reason: 'decode-failed' });
  });
});

const patientJson = { resourceType: 'Patient', id: 'pat-1', active: true, name: [{ family: 'Quigglesworth', given: ['Zebulon'] }], gender: 'male', birthDate: '1931-02-28' };
const patientXml = (birthDate: string) => `<Patient xmlns="http://hl7.org/fhir"><id value="pat-1"/><active value="true"/>
  <name><family value="Quigglesworth"/><given value="Zebulon"/></name><gender value="male"/><birthDate value="${birthDate}"/></Patient>`;

describe('FHIR XML against FHIR JSON (format: fhir)', () => {
  it('the same Patient as FHIR JSON and FHIR XML compares equal', async () => {
    const json = captured(JSON.stringify(patientJson), 'application/fhir+json', 'utf8');
    const xml = captured(patientXml('1931-02-28'), 'application/fhir+xml', 'utf8');
    expect((await compare(json, xml, { format: 'fhir', headers: [] })).comparison.verdict).toBe('match');
    expect((await compare(xml, json, { format: 'fhir', headers: [] })).comparison.verdict).toBe('match');
  });

  it('a different birthDate is one difference at the JSON pointer', async () => {
    const json = captured(JSON.stringify(patientJson), 'application/fhir+json', 'utf8');
    expect((await compare(json, captured(patientXml('1931-03-01'), 'application/fhir+xml', 'utf8'), { format: 'fhir', headers: [] })).stored).toEqual(['changed /birthDate']);
  });

  it('without format: fhir, JSON against XML is a type difference of the whole body', async () => {
    const json = captured(JSON.stringify(patientJson), 'application/fhir+json', 'utf8');
    expect((await compare(json, captured(patientXml('1931-02-28'), 'application/fhir+xml', 'utf8'), { headers: [] })).comparison.verdict).toBe('mismatch');
  });
});
