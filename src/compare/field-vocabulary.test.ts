// Pointer templates by structure (issue 9, Build 6 and cause 6), through compareResponses and
// toDifferenceRecords: what the store would receive.
import { describe, expect, it } from 'vitest';
import { compareResponses } from './compare-responses.ts';
import { compileCompareRules, type CompareRules } from './compile-compare-rules.ts';
import { createFieldVocabulary } from './field-vocabulary.ts';
import { toDifferenceRecords } from './to-difference-records.ts';
import type { CapturedResponse } from './types.ts';

const json = (body: unknown): CapturedResponse => ({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)), truncated: false });
const key = { id: 'k', secret: Buffer.from('s') };
const recorded = (control: unknown, candidate: unknown, rules: CompareRules): string[] =>
  toDifferenceRecords('r', 'shadow', compareResponses(json(control), json(candidate), rules).differences, key).map((r) => `${r.kind} ${r.pointer}`);
/** Unproven keys are written `~k:<hmac8>`; the tests name them `~k`. */
const unkeyed = (pointers: readonly string[]) => pointers.map((p) => p.replace(/~k:[0-9a-f]{8}/g, '~k'));
const SURNAMES = ['Quigglesworth', 'Abernathy', 'Oyelaran', 'Nakamura', 'Fitzgerald', 'Lindqvist', 'Moreau', 'Castellanos'];

describe('pointer templates by structure', () => {
  it('cause 6: clinical field names with digits stay readable in the stored record', async () => {
    const rules = await compileCompareRules({}, { baseDir: '.' });
    const problem = (code: string) => ({ icd10: code, icd10Code: code, hba1c: 6.1, o2Sat: 97, valueBase64Binary: 'AAA=', address2: 'Apt 4' });
    const control = { problems: [problem('E11.9'), problem('I10')] };
    const candidate = { problems: [problem('E11.9'), { ...problem('I10'), icd10: 'I11' }] };
    expect(recorded(control, candidate, rules)).toEqual(['changed /problems/*/icd10']);
  });

  it('templates a map keyed by surname, however often the same patient is read', async () => {
    const rules = await compileCompareRules({}, { baseDir: '.' });
    const doc = (phone: string) => ({ byName: { Quigglesworth: { phone } } });
    const first = recorded(doc('555-0100'), doc('555-0110'), rules);
    expect(unkeyed(first)).toEqual(['changed /~k/~k/phone']);
    // The same pointer on every read: differences under one unproven key group together.
    for (let read = 0; read < 10; read++) expect(recorded(doc('555-0100'), doc(`555-01${read + 10}`), rules)).toEqual(first);
  });

  it('templates a map keyed by lowercase names once documents show it is a map', async () => {
    const rules = await compileCompareRules({}, { baseDir: '.' });
    const doc = (name: string, phone: string) => ({ byName: { [name.toLowerCase()]: { phone } }, status: 'active' });
    const seen = SURNAMES.map((name) => recorded(doc(name, '1'), doc(name, '2'), rules)[0]);
    expect(unkeyed(seen.slice(5) as string[])).toEqual(['changed /~k/*/phone', 'changed /~k/*/phone', 'changed /~k/*/phone']);
    expect(seen.join(' ')).not.toMatch(new RegExp(SURNAMES.join('|'), 'i'));
  });

  it('keeps a capitalised key that recurs in the elements of one array (a PascalCase API), not a singleton one', async () => {
    const rules = await compileCompareRules({}, { baseDir: '.' });
    const control = { Problems: [{ Icd10Code: 'E11.9' }, { Icd10Code: 'I10' }], Quigglesworth: { Phone: '1' } };
    const candidate = { Problems: [{ Icd10Code: 'E11.9' }, { Icd10Code: 'I11' }], Quigglesworth: { Phone: '2' } };
    const found = recorded(control, candidate, rules);
    expect(unkeyed(found)).toEqual(['changed /~k/*/Icd10Code', 'changed /~k/~k']);
    expect(found[0]!.split('/')[1]).not.toBe(found[1]!.split('/')[1]); // Problems and Quigglesworth: two keys, two HMACs
  });

  it('keeps keys the route rules name', async () => {
    const rules = await compileCompareRules({ tolerance: { numeric: { '/Vitals/HeartRate': 1 } } }, { baseDir: '.' });
    expect(recorded({ Vitals: { HeartRate: 60 } }, { Vitals: { HeartRate: 70 } }, rules)).toEqual(['changed /Vitals/HeartRate']);
  });

  it('judges fields by the standards\' words and by distinct records, never by spelling, a map by its stream of new keys, and stays bounded', () => {
    const vocabulary = createFieldVocabulary({ maxPositions: 4 });
    expect(vocabulary.judge('', 'birthDate')).toBe('field'); // a FHIR element name
    expect(vocabulary.judge('', 'status')).toBe('field'); // a data standard's word
    for (const key of ['zebulonia', 'janeDoe', 'jane_doe', 'drSmith', 'mrn12']) expect(vocabulary.judge('', key), key).toBe('unknown');
    // Recurrence across documents of one record proves nothing: the same patient read again and again.
    for (let i = 0; i < 6; i++) vocabulary.learn({ id: 'pat-1', janeDoe: { phone: '1' }, requestId: `r${i}` }, { id: 'pat-1', janeDoe: { phone: '2' }, requestId: `n${i}` });
    expect(vocabulary.judge('', 'janeDoe')).toBe('unknown');
    // A key distinct records carry is a field of that kind of record (a per-call requestId tells no record apart).
    for (const patient of ['pat-2', 'pat-3', 'pat-4']) vocabulary.learn({ id: patient, reconciledFlag: true }, { id: patient, reconciledFlag: false });
    expect(vocabulary.judge('', 'reconciledFlag')).toBe('field');
    for (let i = 0; i < 6; i++) vocabulary.learn({ byMrn: { [`mrn${'abcdefgh'[i]}`]: 1 } });
    expect(vocabulary.judge('/byMrn', 'mrna')).toBe('data');
    vocabulary.learn({ a: { b: { c: { d: 1 } } } });
    expect(vocabulary.judge('/a/b/c', 'd')).toBe('unknown');
  });

  it('a lowercase surname used as a map key is never stored, on the first document or after many reads of that patient', async () => {
    const rules = await compileCompareRules({}, { baseDir: '.' });
    const doc = (phone: string, extra = false) => ({ byName: { zebulonia: { phone }, ...(extra ? { 'zebulonia-sr': { phone } } : {}) } });
    for (let read = 0; read < 6; read++) {
      const found = recorded(doc('1'), doc(`2${read}`, read % 2 === 0), rules);
      expect(found.join(' ')).not.toContain('zebulonia');
      expect(unkeyed(found).some((p) => /^changed \/~k\/(~k|\*)\/phone$/.test(p)), found.join()).toBe(true);
    }
  });
});
