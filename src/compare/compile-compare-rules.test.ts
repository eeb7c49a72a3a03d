import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compareResponses } from './compare-responses.ts';
import { CompareConfigError, compileCompareRules } from './compile-compare-rules.ts';
import type { CapturedResponse } from './types.ts';

const json = (body: unknown): CapturedResponse => ({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)), truncated: false });

async function configError(config: unknown): Promise<CompareConfigError> {
  const error = await compileCompareRules(config, { baseDir: '.' }).then(() => null, (e: unknown) => e);
  if (!(error instanceof CompareConfigError)) throw new Error(`expected a CompareConfigError, got ${String(error)}`);
  return error;
}

describe('compileCompareRules', () => {
  it('compiles the full documented block from YAML', async () => {
    const config = parse(`
sample: 0.5
headers: [Content-Type, etag, location]
ignore:
  - /meta/lastUpdated
  - { pointer: /entry/*/resource/meta/versionId, kinds: [changed] }
arrays:
  /entry: { keyed: resource/id }
  /points: { keyed: [effectiveDateTime, code/coding/0/code] }
  /tags: unordered
  /name/*/given: ordered
tolerance:
  numeric: { /valueQuantity/value: 0.001 }
  timestamp: { /meta/lastUpdated: 2000 }
shape: [/text/div, /summary]
noise: { sample: 0.01 }
`);
    const rules = await compileCompareRules(config, { baseDir: '.' });
    expect(rules).toMatchObject({ headers: ['content-type', 'etag', 'location'], comparator: null, sample: 0.5, noiseSample: 0.01 });
  });

  it('defaults to comparing content-type only, with no body rules', async () => {
    const rules = await compileCompareRules(undefined, { baseDir: '.' });
    expect(rules).toMatchObject({ headers: ['content-type'], sample: 1, noiseSample: 0 });
  });

  it.each([
    [{ arrays: { entry: 'unordered' } }, ['compare', 'arrays', 'entry']],
    [{ arrays: { '/entry': { keyed: 'resource/~2id' } } }, ['compare', 'arrays', '/entry', 'keyed']],
    [{ arrays: { '/entry': 'sorted' } }, ['compare', 'arrays', '/entry']],
    [{ arrays: { '/points': { keyed: ['at', 'metric~2'] } } }, ['compare', 'arrays', '/points', 'keyed', 1]],
    [{ arrays: { '/points': { keyed: [] } } }, ['compare', 'arrays', '/points', 'keyed']],
    [{ ignore: ['meta/lastUpdated'] }, ['compare', 'ignore', 0]],
    [{ ignore: [{ pointer: '/a', kinds: ['status'] }] }, ['compare', 'ignore', 0, 'kinds', 0]],
    [{ tolerance: { numeric: { '/value': -1 } } }, ['compare', 'tolerance', 'numeric', '/value']],
    [{ tolerance: { timestamp: { '/at': '2s' } } }, ['compare', 'tolerance', 'timestamp', '/at']],
    [{ sample: 1.5 }, ['compare', 'sample']],
    [{ shape: ['/text/div', '/a~'] }, ['compare', 'shape', 1]],
    [{ unknownKey: true }, ['compare']],
  ])('rejects %j with code COMPARE_CONFIG naming the key', async (config, expectedPath) => {
    const error = await configError(config);
    expect(error.code).toBe('COMPARE_CONFIG');
    expect(error.path).toEqual(expectedPath);
    expect(error.cause).toBeDefined();
  });

  it('explains a bad pointer in its message', async () => {
    expect((await configError({ ignore: ['meta/lastUpdated'] })).message).toMatch(/must be '' or start with '\/'/);
  });

  it('loads a route comparator from baseDir, by default export or by compare()', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ficus-comparator-'));
    await writeFile(path.join(dir, 'byDefault.mjs'), 'export default (a, b) => a.dose === b.dose ? [] : [{ pointer: "/dose", kind: "changed", controlType: "number", candidateType: "number" }];');
    await writeFile(path.join(dir, 'byName.mjs'), 'export function compare() { return []; }');
    const byDefault = await compileCompareRules({ comparator: './byDefault.mjs' }, { baseDir: dir });
    expect(compareResponses(json({ dose: 1, note: 'a' }), json({ dose: 2, note: 'b' }), byDefault).differences.map((d) => d.pointer)).toEqual(['/dose']);
    const byName = await compileCompareRules({ comparator: './byName.mjs' }, { baseDir: dir });
    expect(compareResponses(json({ dose: 1 }), json({ dose: 2 }), byName).verdict).toBe('match');
  });

  it('rejects a comparator module that is missing or exports no function', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ficus-comparator-'));
    await writeFile(path.join(dir, 'empty.mjs'), 'export const x = 1;');
    await expect(compileCompareRules({ comparator: './empty.mjs' }, { baseDir: dir })).rejects.toMatchObject({ code: 'COMPARE_CONFIG', path: ['compare', 'comparator'] });
    await expect(compileCompareRules({ comparator: './missing.ts' }, { baseDir: dir })).rejects.toMatchObject({ code: 'COMPARE_CONFIG', path: ['compare', 'comparator'] });
  });
});
