import { describe, expect, it } from 'vitest';
import { compareResponses } from '../compare-responses.ts';
import { compileCompareRules } from '../compile-compare-rules.ts';
import type { CapturedResponse } from '../types.ts';

const json = (body: unknown): CapturedResponse => ({ status: 200, headers: { 'content-type': 'application/fhir+json' }, body: Buffer.from(JSON.stringify(body)), truncated: false });
const rules = (config: unknown) => compileCompareRules(config, { baseDir: import.meta.dirname });
const found = async (a: unknown, b: unknown, config: unknown = { preset: 'fhir-r4' }) =>
  compareResponses(json(a), json(b), await rules(config)).differences.map((d) => `${d.pointer} ${d.kind}`);

const patient = () => ({
  resourceType: 'Patient', id: 'p1', meta: { versionId: '3', lastUpdated: '2026-11-30T10:00:00Z' },
  identifier: [{ system: 'urn:mrn', value: 'MRN-CANARY-1' }, { system: 'urn:ssn', value: '000-00-0000' }],
  extension: [{ url: 'http://ex/race', valueString: 'a' }, { url: 'http://ex/ethnicity', valueString: 'b' }],
  maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M' }, { system: 'urn:local', code: 'married' }] },
  name: [{ family: 'Quigglesworth', extension: [{ url: 'http://ex/a', valueString: 'x' }, { url: 'http://ex/b', valueString: 'y' }] }],
});

describe('the fhir-r4 preset', () => {
  it('ignores meta.versionId and meta.lastUpdated', async () => {
    expect(await found(patient(), { ...patient(), meta: { versionId: '4', lastUpdated: '2026-11-30T11:00:00Z' } })).toEqual([]);
    expect(await found(patient(), { ...patient(), meta: { versionId: '4' } }, {})).not.toEqual([]);
  });

  it('keys identifier by system+value, coding by system+code and extension by url, at any usual depth', async () => {
    const reordered = patient();
    reordered.identifier.reverse();
    reordered.extension.reverse();
    reordered.maritalStatus.coding.reverse();
    reordered.name[0]!.extension.reverse();
    expect(await found(patient(), reordered)).toEqual([]);
    expect((await found(patient(), reordered, {})).length).toBeGreaterThan(0);
  });

  it('a changed identifier value is reported at that identifier', async () => {
    const changed = patient();
    changed.identifier[1]!.value = '999-99-9999';
    expect(await found(patient(), changed)).toEqual(['/identifier/1 removed', '/identifier/1 added']);
  });

  it('keys Bundle entries by resource type and id', async () => {
    const bundle = (ids: string[]) => ({ resourceType: 'Bundle', type: 'searchset', entry: ids.map((id) => ({ resource: { resourceType: 'Observation', id, meta: { lastUpdated: id } } })) });
    expect(await found(bundle(['o1', 'o2', 'o3']), bundle(['o3', 'o1', 'o2']))).toEqual([]);
  });

  it('fhir-r4-searchset also ignores the envelope: Bundle id, meta, paging links, fullUrl', async () => {
    const envelope = (n: number) => ({ resourceType: 'Bundle', id: `b${n}`, meta: { lastUpdated: `t${n}` }, type: 'searchset', total: 1,
      link: [{ relation: 'next', url: `https://ehr/fhir?page=${n}` }], entry: [{ fullUrl: `https://host${n}/fhir/Patient/p1`, resource: { resourceType: 'Patient', id: 'p1' } }] });
    expect(await found(envelope(1), envelope(2), { preset: 'fhir-r4-searchset' })).toEqual([]);
    expect(await found(envelope(1), { ...envelope(2), total: 2 }, { preset: 'fhir-r4-searchset' })).toEqual(['/total changed']);
    expect(await found(envelope(1), envelope(2), { preset: 'fhir-r4' })).toContain('/id changed');
  });

  it('compares decimals with their written precision: 0.010 against 0.01 is a precision difference', async () => {
    const observation = (value: string) => Buffer.from(`{"resourceType":"Observation","id":"o1","valueQuantity":{"value":${value},"unit":"mg"}}`);
    const raw = (body: Buffer): CapturedResponse => ({ status: 200, headers: { 'content-type': 'application/fhir+json' }, body, truncated: false });
    const differences = async (a: string, b: string, config: unknown = { preset: 'fhir-r4' }) =>
      compareResponses(raw(observation(a)), raw(observation(b)), await rules(config)).differences.map((d) => `${d.pointer} ${d.kind}`);
    expect(await differences('0.010', '0.01')).toEqual(['/valueQuantity/value precision']);
    expect(await differences('0.010', '0.010')).toEqual([]);
    expect(await differences('0.010', '0.01', { preset: 'fhir-r4', precision: false })).toEqual([]);
  });

  describe('dateTime and instant: the same instant and the same precision', () => {
    const observation = (effectiveDateTime: string) => ({ resourceType: 'Observation', id: 'o1', effectiveDateTime });
    const pair = (a: string, b: string) => found(observation(a), observation(b));

    it('the same instant in another zone is equal', async () => {
      expect(await pair('2024-03-01T10:00:00+01:00', '2024-03-01T09:00:00Z')).toEqual([]);
      expect(await found(observation('2024-03-01T10:00:00+01:00'), observation('2024-03-01T09:00:00Z'), {})).toEqual(['/effectiveDateTime changed']);
    });

    it('another instant is a change', async () => {
      expect(await pair('2024-03-01T10:00:00+01:00', '2024-03-01T10:00:00Z')).toEqual(['/effectiveDateTime changed']);
    });

    it('a date against a dateTime of that day is a precision difference', async () => {
      expect(await pair('2024-03-01', '2024-03-01T00:00:00Z')).toEqual(['/effectiveDateTime precision']);
      expect(await pair('2024-03', '2024-03-01')).toEqual(['/effectiveDateTime precision']);
    });

    it('seconds against milliseconds of the same instant is a precision difference, another fraction a change', async () => {
      expect(await pair('2024-03-01T09:00:00Z', '2024-03-01T09:00:00.000Z')).toEqual(['/effectiveDateTime precision']);
      expect(await pair('2024-03-01T09:00:00.5Z', '2024-03-01T09:00:00.50Z')).toEqual(['/effectiveDateTime precision']);
      expect(await pair('2024-03-01T09:00:00.5Z', '2024-03-01T09:00:00.6Z')).toEqual(['/effectiveDateTime changed']);
    });

    it('dates are compared as written', async () => {
      const born = (birthDate: string) => ({ resourceType: 'Patient', id: 'p1', birthDate });
      expect(await found(born('1970-01-01'), born('1970-01-01'))).toEqual([]);
      expect(await found(born('1970-01-01'), born('1970-01-02'))).toEqual(['/birthDate changed']);
      expect(await found(born('2024-03-01'), born('2024-03-02T00:00:00Z'))).toEqual(['/birthDate changed']);
    });

    it('strings that are not FHIR dates are compared as strings', async () => {
      const named = (text: string) => ({ resourceType: 'Observation', id: 'o1', code: { text } });
      expect(await found(named('2024-03-01T10:00:00 local'), named('2024-03-01T09:00:00 local'))).toEqual(['/code/text changed']);
    });
  });

  it('route rules win over the preset at the same pointer', async () => {
    const changed = patient();
    changed.identifier.reverse();
    expect(await found(patient(), changed, { preset: 'fhir-r4', arrays: { '/identifier': 'ordered' } })).not.toEqual([]);
  });
});
