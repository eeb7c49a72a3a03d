import { describe, expect, it } from 'vitest';
import { DEFAULT_COMPARE_LIMITS } from './compare-limits.ts';
import { compareResponses } from './compare-responses.ts';
import { compileCompareRules, type CompareRules } from './compile-compare-rules.ts';
import type { CapturedResponse } from './types.ts';

const json = (body: unknown, headers: Record<string, string> = {}): CapturedResponse => ({
  status: 200,
  headers: { 'content-type': 'application/fhir+json', ...headers },
  body: Buffer.from(JSON.stringify(body)),
  truncated: false,
});

const rulesFor = (config: unknown = {}): Promise<CompareRules> => compileCompareRules(config, { baseDir: import.meta.dirname });

const found = (control: unknown, candidate: unknown, rules: CompareRules) =>
  compareResponses(json(control), json(candidate), rules).differences.map(({ pointer, kind, controlType, candidateType }) => ({ pointer, kind, controlType, candidateType }));

const patient = () => ({
  resourceType: 'Patient',
  id: 'pat-0001',
  meta: { lastUpdated: '2024-05-01T10:00:00Z', versionId: '3' },
  metadata: { source: 'legacy' },
  name: [{ family: 'Quigglesworth', given: ['Zebulon', 'Q'] }],
  tags: ['a', 'b', 'c'],
});

describe('compareResponses', () => {
  it('reports a match for identical bodies and for bodies differing only in key order and whitespace', async () => {
    const rules = await rulesFor();
    expect(compareResponses(json(patient()), json(patient()), rules).verdict).toBe('match');
    const reversedKeys = Object.fromEntries(Object.entries(patient()).reverse());
    const spaced: CapturedResponse = { ...json(null), body: Buffer.from(JSON.stringify(reversedKeys, null, 2)) };
    expect(compareResponses(json(patient()), spaced, rules).verdict).toBe('match');
  });

  it('finds a changed value in a nested object at its concrete pointer', async () => {
    const candidate = patient();
    candidate.name[0]!.family = 'Smith';
    expect(found(patient(), candidate, await rulesFor())).toEqual([{ pointer: '/name/0/family', kind: 'changed', controlType: 'string', candidateType: 'string' }]);
  });

  it('finds added, removed and type-changed values inside arrays of objects', async () => {
    const control = { entry: [{ a: 1, b: 'x' }, { a: 2 }] };
    const candidate = { entry: [{ a: 1, c: true }, { a: null }, { a: 3 }] };
    expect(found(control, candidate, await rulesFor())).toEqual([
      { pointer: '/entry/0/b', kind: 'removed', controlType: 'string', candidateType: 'absent' },
      { pointer: '/entry/0/c', kind: 'added', controlType: 'absent', candidateType: 'boolean' },
      { pointer: '/entry/1/a', kind: 'type', controlType: 'number', candidateType: 'null' },
      { pointer: '/entry/2', kind: 'added', controlType: 'absent', candidateType: 'object' },
    ]);
  });

  it('escapes ~ and / in keys as RFC 6901 says', async () => {
    expect(found({ 'a/b': { 'c~d': 1 } }, { 'a/b': { 'c~d': 2 } }, await rulesFor())[0]!.pointer).toBe('/a~1b/c~0d');
  });

  it('does not report ignored pointers, with * matching any key or index', async () => {
    const rules = await rulesFor({ ignore: ['/meta/lastUpdated', '/name/*/given'] });
    const candidate = patient();
    candidate.meta.lastUpdated = '2025-01-01T00:00:00Z';
    candidate.name[0]!.given = ['Other'];
    expect(compareResponses(json(patient()), json(candidate), rules).verdict).toBe('match');
  });

  it('never ignores by substring: /meta does not ignore /metadata', async () => {
    const rules = await rulesFor({ ignore: ['/meta'] });
    const candidate = patient();
    candidate.meta.versionId = '4';
    candidate.metadata.source = 'new';
    expect(found(patient(), candidate, rules)).toEqual([{ pointer: '/metadata/source', kind: 'changed', controlType: 'string', candidateType: 'string' }]);
  });

  it('ignores only the listed kinds of a kind-restricted ignore', async () => {
    const rules = await rulesFor({ ignore: [{ pointer: '/meta/lastUpdated', kinds: ['changed'] }] });
    const changed = patient();
    changed.meta.lastUpdated = '2025-01-01T00:00:00Z';
    expect(found(patient(), changed, rules)).toEqual([]);
    const nulled = { ...patient(), meta: { lastUpdated: null, versionId: '3' } };
    expect(found(patient(), nulled, rules)).toEqual([{ pointer: '/meta/lastUpdated', kind: 'type', controlType: 'string', candidateType: 'null' }]);
  });

  it('does not report a reordered array under `unordered` but reports it under `ordered`', async () => {
    const reordered = { ...patient(), tags: ['c', 'a', 'b'] };
    expect(compareResponses(json(patient()), json(reordered), await rulesFor({ arrays: { '/tags': 'unordered' } })).verdict).toBe('match');
    expect(found(patient(), reordered, await rulesFor({ arrays: { '/tags': 'ordered' } })).map((d) => `${d.kind} ${d.pointer}`))
      .toEqual(['changed /tags/0', 'changed /tags/1', 'changed /tags/2']);
  });

  it('reports an element missing from an unordered array at its control index', async () => {
    const rules = await rulesFor({ arrays: { '/tags': 'unordered' } });
    expect(found({ tags: ['a', 'b', 'c'] }, { tags: ['c', 'a'] }, rules)).toEqual([{ pointer: '/tags/1', kind: 'removed', controlType: 'string', candidateType: 'absent' }]);
  });

  it('matches keyed array elements by their field and reports differences at the control index', async () => {
    const rules = await rulesFor({ arrays: { '/entry': { keyed: 'resource/id' } } });
    const control = { entry: [{ resource: { id: 'o1', value: 1 } }, { resource: { id: 'o2', value: 2 } }, { resource: { id: 'o3', value: 3 } }] };
    const candidate = { entry: [{ resource: { id: 'o3', value: 3 } }, { resource: { id: 'o4', value: 4 } }, { resource: { id: 'o1', value: 9 } }] };
    expect(found(control, candidate, rules).map((d) => `${d.kind} ${d.pointer}`)).toEqual([
      'changed /entry/0/resource/value',
      'removed /entry/1',
      'added /entry/1',
    ]);
  });

  it('matches unordered elements through the rules: an ignored field inside an element does not unmatch it', async () => {
    const rules = await rulesFor({ arrays: { '/entry': 'unordered' }, ignore: ['/entry/*/meta'] });
    const control = { entry: [{ id: 'a', meta: { v: 1 } }, { id: 'b', meta: { v: 1 } }] };
    const candidate = { entry: [{ id: 'b', meta: { v: 2 } }, { id: 'a', meta: { v: 3 } }] };
    expect(found(control, candidate, rules)).toEqual([]);
  });

  it('matches duplicate keys of a keyed array as unordered within the key', async () => {
    const rules = await rulesFor({ arrays: { '/entry': { keyed: 'id' } } });
    const control = { entry: [{ id: 'x', v: 1 }, { id: 'x', v: 2 }] };
    expect(found(control, { entry: [{ id: 'x', v: 2 }, { id: 'x', v: 1 }] }, rules)).toEqual([]);
    expect(found(control, { entry: [{ id: 'x', v: 2 }, { id: 'x', v: 3 }] }, rules)).toEqual([{ pointer: '/entry/0/v', kind: 'changed', controlType: 'number', candidateType: 'number' }]);
  });

  it('accepts numbers within the numeric tolerance and reports those beyond it', async () => {
    const rules = await rulesFor({ tolerance: { numeric: { '/valueQuantity/value': 0.001 } } });
    const at = (value: number) => ({ valueQuantity: { value, unit: 'mg' } });
    expect(found(at(5.0), at(5.0004), rules)).toEqual([]);
    expect(found(at(5.0), at(5.01), rules)).toEqual([{ pointer: '/valueQuantity/value', kind: 'changed', controlType: 'number', candidateType: 'number' }]);
  });

  it('accepts timestamps within the tolerance, whatever their ISO spelling, and reports those beyond it', async () => {
    const rules = await rulesFor({ tolerance: { timestamp: { '/meta/lastUpdated': 2000 } } });
    const at = (lastUpdated: string) => ({ meta: { lastUpdated } });
    expect(found(at('2024-05-01T10:00:00Z'), at('2024-05-01T12:00:01.500+02:00'), rules)).toEqual([]);
    expect(found(at('2024-05-01T10:00:00Z'), at('2024-05-01T10:00:03Z'), rules)).toHaveLength(1);
  });

  it('compares shape pointers by presence and type only: wording is ignored, a type change is reported', async () => {
    const rules = await rulesFor({ shape: ['/text/div', '/summary'] });
    const at = (div: unknown, summary: unknown) => ({ text: { div }, summary });
    expect(found(at('<div>Stable, improving</div>', 'Doing well'), at('<div>Improving and stable</div>', 'Well'), rules)).toEqual([]);
    expect(found(at('<div>x</div>', 'Doing well'), at('<div>x</div>', null), rules)).toEqual([{ pointer: '/summary', kind: 'type', controlType: 'string', candidateType: 'null' }]);
    expect(found(at('<div>x</div>', 'Doing well'), { text: { div: 'y' } }, rules)).toEqual([{ pointer: '/summary', kind: 'removed', controlType: 'string', candidateType: 'absent' }]);
  });

  it('reports a status difference alone, without comparing bodies of different statuses', async () => {
    const comparison = compareResponses(json(patient()), { ...json({ error: 'boom' }), status: 503 }, await rulesFor());
    expect(comparison.differences.map((d) => [d.pointer, d.kind])).toEqual([['/status', 'status']]);
  });

  it('compares allowlisted headers case-insensitively and no others', async () => {
    const rules = await rulesFor({ headers: ['Content-Type', 'ETag'] });
    const comparison = compareResponses(json(patient(), { etag: 'W/"1"', date: 'Mon' }), json(patient(), { etag: 'W/"2"', date: 'Tue' }), rules);
    expect(comparison.differences.map((d) => [d.pointer, d.kind])).toEqual([['/headers/etag', 'header']]);
  });

  it('does not compare truncated bodies', async () => {
    const comparison = compareResponses(json(patient()), { ...json(patient()), truncated: true }, await rulesFor());
    expect(comparison).toMatchObject({ verdict: 'uncomparable', reason: 'truncated' });
  });

  it('compares text bodies by equality and binary bodies by hash', async () => {
    const rules = await rulesFor();
    const text = (body: string): CapturedResponse => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: Buffer.from(body), truncated: false });
    const binary = (body: string): CapturedResponse => ({ status: 200, headers: { 'content-type': 'application/pdf' }, body: Buffer.from(body), truncated: false });
    expect(compareResponses(text('a'), text('b'), rules).differences).toMatchObject([{ pointer: '', kind: 'changed', controlType: 'text' }]);
    expect(compareResponses(binary('%PDF-1'), binary('%PDF-2'), rules).differences).toMatchObject([{ pointer: '', kind: 'changed', controlType: 'binary' }]);
  });

  it('reports a JSON body against a text body as a type difference at the root', async () => {
    const text: CapturedResponse = { status: 200, headers: { 'content-type': 'text/plain' }, body: Buffer.from('{}'), truncated: false };
    expect(compareResponses(json({}), text, await rulesFor({ headers: [] })).differences).toMatchObject([{ pointer: '', kind: 'type', controlType: 'object', candidateType: 'text' }]);
  });

  it('makes a pair uncomparable, not an exception, when the route comparator throws', async () => {
    const rules: CompareRules = { ...(await rulesFor()), comparator: () => { throw new Error('bug in route code'); } };
    expect(compareResponses(json({ a: 1 }), json({ a: 2 }), rules)).toMatchObject({ verdict: 'uncomparable', reason: 'comparator-error' });
  });

  it('keeps the first differences up to the cap and folds the rest into one truncated marker', async () => {
    const rules = await rulesFor();
    const control = json(Array.from({ length: 1_000 }, (_, i) => i));
    const candidate = json([]);
    const comparison = compareResponses(control, candidate, rules, { ...DEFAULT_COMPARE_LIMITS, differences: 10 });
    expect(comparison.verdict).toBe('mismatch');
    expect(comparison.differences).toHaveLength(11);
    expect(comparison.differences.slice(0, 10).every((d) => d.kind === 'removed')).toBe(true);
    expect(comparison.differences[10]).toEqual({ pointer: '', kind: 'truncated', controlType: 'absent', candidateType: 'absent' });
    expect(comparison.omittedDifferences).toBe(990);
  });

  it('keeps every difference when they fit the cap exactly', async () => {
    const comparison = compareResponses(json([1, 2, 3]), json([]), await rulesFor(), { ...DEFAULT_COMPARE_LIMITS, differences: 3 });
    expect(comparison.differences.map((d) => d.kind)).toEqual(['removed', 'removed', 'removed']);
    expect(comparison.omittedDifferences).toBeUndefined();
  });

  it('makes a pair with a body over the shape limits uncomparable with that limit as its reason', async () => {
    const comparison = compareResponses(json({ a: [1, 2, 3] }), json({ a: [] }), await rulesFor(), { ...DEFAULT_COMPARE_LIMITS, elements: 2 });
    expect(comparison).toEqual({ verdict: 'uncomparable', differences: [], reason: 'too-many-elements' });
  });
});
