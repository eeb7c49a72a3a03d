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

  it('route rules win over the preset at the same pointer', async () => {
    const changed = patient();
    changed.identifier.reverse();
    expect(await found(patient(), changed, { preset: 'fhir-r4', arrays: { '/identifier': 'ordered' } })).not.toEqual([]);
  });
});
