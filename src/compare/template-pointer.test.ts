import { describe, expect, it } from 'vitest';
import { templatePointer } from './template-pointer.ts';

describe('templatePointer', () => {
  it.each([
    ['/entry/3/resource/id', '/entry/*/resource/id'],
    ['/patients/6f1c2a7e-3b7d-4c1e-9a55-0d2b8e4f7a10/name', '/patients/*/name'],
    ['/byMrn/MRN-004417/status', '/byMrn/*/status'],
    ['/byId/pat-0001', '/byId/*'],
    ['/blobs/5f3a9c0d2b7e4a1f8c6d/size', '/blobs/*/size'],
    ['/objects/deadbeefcafebabe0123/x', '/objects/*/x'],
    ['/ids/abc123', '/ids/*'],
    ['/byDob/1931-02-29', '/byDob/*'],
    ['/byName/Zebulon Quigglesworth', '/byName/*'],
    ['/byName/Quigglesworth/phone', '/byName/*/phone'],
    ['/byMrn/MRN004417', '/byMrn/*'],
    ['/byHash/deadbeefcafebabe', '/byHash/*'],
    ['/byUuid/af1c2a7e-3b7d-4c1e-9a55-0d2b8e4f7a10', '/byUuid/*'],
  ])('templates %s as %s', (pointer, template) => {
    expect(templatePointer(pointer)).toBe(template);
  });

  it('keeps plain field names, including kebab, snake, underscore-prefixed and one trailing digit', () => {
    expect(templatePointer('/headers/content-type')).toBe('/headers/content-type');
    expect(templatePointer('/_birthDate/extension/0/valueString')).toBe('/_birthDate/extension/*/valueString');
    expect(templatePointer('/address/0/line1')).toBe('/address/*/line1');
    expect(templatePointer('')).toBe('');
  });

  it('cause 6: keeps clinical field names with digits (icd10, hba1c, o2Sat, address2, valueBase64Binary)', () => {
    for (const field of ['icd10', 'icd10Code', 'hba1c', 'o2Sat', 'address2', 'valueBase64Binary']) {
      expect(templatePointer(`/problems/0/${field}`)).toBe(`/problems/*/${field}`);
    }
  });

  it('templates keys holding an escaped / or ~, which are never field names', () => {
    expect(templatePointer('/a~1b/c~0d/status')).toBe('/*/*/status');
  });
});
