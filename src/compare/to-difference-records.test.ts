import { describe, expect, it } from 'vitest';
import { compareResponses } from './compare-responses.ts';
import { compileCompareRules } from './compile-compare-rules.ts';
import { hmacValue, toDifferenceRecords } from './to-difference-records.ts';
import type { CapturedResponse, Difference } from './types.ts';

const CANARIES = ['MRN-99887766', 'Zebulon', 'Quigglesworth', '1931-02-29', '555-0199', '42 Wallaby Way'];
const key = { id: 'k1', secret: Buffer.from('test-secret-one') };

const json = (body: unknown, headers: Record<string, string> = {}): CapturedResponse => ({
  status: 200,
  headers: { 'content-type': 'application/fhir+json', ...headers },
  body: Buffer.from(JSON.stringify(body)),
  truncated: false,
});

describe('toDifferenceRecords', () => {
  it('carries no patient value anywhere, whatever differs', async () => {
    const control = {
      id: 'MRN-99887766',
      name: [{ family: 'Quigglesworth', given: ['Zebulon'] }],
      birthDate: '1931-02-29',
      byMrn: { 'MRN-99887766': { phone: '555-0199' } },
      address: [{ line: ['42 Wallaby Way'] }],
    };
    const candidate = { id: 'MRN-99887767', name: [{ family: 'Quigglesworth-Smith' }], birthDate: null, byMrn: {}, address: [] };
    const rules = await compileCompareRules({ headers: ['content-type', 'x-patient'] }, { baseDir: '.' });
    const comparison = compareResponses(json(control, { 'x-patient': 'Zebulon Quigglesworth' }), json(candidate, { 'x-patient': 'MRN-99887766' }), rules);
    expect(comparison.differences.length).toBeGreaterThan(4);
    const records = toDifferenceRecords('patient-read', 'shadow', comparison.differences, key);
    const stored = JSON.stringify(records);
    for (const canary of CANARIES) expect(stored).not.toContain(canary);
    expect(records.map((r) => r.pointer.replace(/~k:[0-9a-f]{8}/g, '~k'))).toContain('/~k/*');
  });

  it('gives the same HMAC for the same value and key, whatever the key order, and another under another key', () => {
    expect(hmacValue({ a: 1, b: [true, null] }, key)).toBe(hmacValue({ b: [true, null], a: 1 }, key));
    expect(hmacValue('Zebulon', key)).not.toBe(hmacValue('Zebulon', { id: 'k2', secret: Buffer.from('test-secret-two') }));
    expect(hmacValue('Zebulon', key)).not.toBe(hmacValue('Zebulom', key));
    expect(hmacValue(undefined, key)).toBeNull();
  });

  it('records absent values as null HMACs and names the key', () => {
    const [record] = toDifferenceRecords('r', 'shadow', [{ pointer: '/x', kind: 'added', controlType: 'absent', candidateType: 'string', candidateValue: 'v' }], key);
    expect(record).toMatchObject({ controlHmac: null, candidateHmac: expect.stringMatching(/^[0-9a-f]{64}$/), keyId: 'k1' });
  });

  it('merges differences that template to the same record within one comparison', () => {
    const at = (index: number): Difference => ({ pointer: `/entry/${index}/status`, kind: 'changed', controlType: 'string', candidateType: 'string', controlValue: 'final', candidateValue: 'amended' });
    const records = toDifferenceRecords('r', 'shadow', [at(0), at(1), at(2), { ...at(3), candidateValue: 'other' }], key);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ route: 'r', source: 'shadow', pointer: '/entry/*/status', kind: 'changed' });
  });

  it('records a noise pair once per template and kind, so counts are legacy pairs (a suggestion\'s evidence)', () => {
    const at = (index: number, value: string): Difference => ({ pointer: `/entry/${index}/status`, kind: 'changed', controlType: 'string', candidateType: 'string', controlValue: 'final', candidateValue: value });
    const records = toDifferenceRecords('r', 'noise', [at(0, 'a'), at(1, 'b'), at(2, 'c')], key);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ source: 'noise', pointer: '/entry/*/status', kind: 'changed' });
  });
});
