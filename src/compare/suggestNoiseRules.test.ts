import { describe, expect, it } from 'vitest';
import { compareLegacyPair } from './compareResponses.ts';
import { compileCompareRules } from './compileCompareRules.ts';
import { suggestNoiseRules } from './suggestNoiseRules.ts';
import { toDifferenceRecords } from './toDifferenceRecords.ts';
import type { CapturedResponse } from './types.ts';

const json = (body: unknown): CapturedResponse => ({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)), truncated: false });
const key = { id: 'k', secret: Buffer.from('s') };

describe('suggestNoiseRules', () => {
  it('suggests kind-restricted ignores per pointer, most frequent first, leaving out status and header noise', () => {
    const suggestions = suggestNoiseRules([
      { pointer: '/meta/lastUpdated', kind: 'changed', count: 40 },
      { pointer: '/entry/*/fullUrl', kind: 'changed', count: 3 },
      { pointer: '/entry/*/fullUrl', kind: 'removed', count: 2 },
      { pointer: '/headers/date', kind: 'header', count: 90 },
      { pointer: '/status', kind: 'status', count: 1 },
    ]);
    expect(suggestions).toEqual([
      { pointer: '/meta/lastUpdated', kinds: ['changed'], count: 40, rule: { pointer: '/meta/lastUpdated', kinds: ['changed'] } },
      { pointer: '/entry/*/fullUrl', kinds: ['changed', 'removed'], count: 5, rule: { pointer: '/entry/*/fullUrl', kinds: ['changed', 'removed'] } },
    ]);
  });

  it('leaves out pointers seen fewer times than minCount', () => {
    expect(suggestNoiseRules([{ pointer: '/a', kind: 'changed', count: 2 }], { minCount: 3 })).toEqual([]);
  });

  it('learns from two legacy answers, and the learned rule still reports the field turning null', async () => {
    const at = (lastUpdated: unknown, requestId: string) => ({ meta: { lastUpdated }, requestId, id: 'pat-0001' });
    const noise = compareLegacyPair(json(at('2024-05-01T10:00:00Z', 'r1')), json(at('2024-05-01T10:00:02Z', 'r2')), await compileCompareRules({}, { baseDir: '.' }));
    const observations = toDifferenceRecords('r', 'noise', noise.differences, key).map((r) => ({ pointer: r.pointer, kind: r.kind, count: 1 }));
    const rules = await compileCompareRules({ ignore: suggestNoiseRules(observations).map((s) => s.rule) }, { baseDir: '.' });
    expect(compareLegacyPair(json(at('2024-05-01T10:00:00Z', 'r1')), json(at('2024-06-01T00:00:00Z', 'r9')), rules).verdict).toBe('match');
    const nulled = compareLegacyPair(json(at('2024-05-01T10:00:00Z', 'r1')), json(at(null, 'r3')), rules);
    expect(nulled.differences.map((d) => [d.pointer, d.kind])).toEqual([['/meta/lastUpdated', 'type']]);
  });
});
