import { describe, expect, it } from 'vitest';
import { compareLegacyPair, compareResponses } from './compare-responses.ts';
import { compileCompareRules, type CompareRules } from './compile-compare-rules.ts';
import { countHiddenDifferences, suggestNoiseRules, type NoiseObservation } from './suggest-noise-rules.ts';
import { toDifferenceRecords } from './to-difference-records.ts';
import type { CapturedResponse } from './types.ts';

const json = (body: unknown): CapturedResponse => ({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)), truncated: false });
const key = { id: 'k', secret: Buffer.from('s') };
const rulesFor = (config: unknown): Promise<CompareRules> => compileCompareRules(config, { baseDir: '.' });

/** What the store would hold after these legacy pairs: noise records, counted per pair. */
function observe(pairs: readonly [unknown, unknown][], rules: CompareRules): NoiseObservation[] {
  const counts = new Map<string, NoiseObservation>();
  for (const [first, second] of pairs) {
    for (const r of toDifferenceRecords('r', 'noise', compareLegacyPair(json(first), json(second), rules).differences, key)) {
      const id = `${r.pointer} ${r.kind}`;
      counts.set(id, { pointer: r.pointer, kind: r.kind, count: (counts.get(id)?.count ?? 0) + 1 });
    }
  }
  return [...counts.values()];
}

/** Rules with every suggestion accepted, as a person pasting them into the route would. */
function accepting(config: Record<string, unknown>, observations: readonly NoiseObservation[]): Promise<CompareRules> {
  const suggestions = suggestNoiseRules(observations);
  const ignore = suggestions.flatMap((s) => ('pointer' in s.rule ? [s.rule] : []));
  const arrays = Object.assign({}, ...suggestions.map((s) => ('arrays' in s.rule ? s.rule.arrays : {}))) as Record<string, string>;
  return rulesFor({ ...config, ignore, arrays: { ...(config['arrays'] as object), ...arrays } });
}

const found = (control: unknown, candidate: unknown, rules: CompareRules) => compareResponses(json(control), json(candidate), rules).differences.map((d) => `${d.kind} ${d.pointer}`);

describe('suggestNoiseRules', () => {
  it('suggests kind-restricted ignores per pointer, most frequent first, with evidence, leaving out status and header noise', () => {
    const suggestions = suggestNoiseRules([
      { pointer: '/meta/lastUpdated', kind: 'changed', count: 40 },
      { pointer: '/entry/*/fullUrl', kind: 'changed', count: 3 },
      { pointer: '/headers/date', kind: 'header', count: 90 },
      { pointer: '/status', kind: 'status', count: 1 },
    ], { pairsSeen: 50 });
    expect(suggestions.map(({ pointer, kinds, count, rule, evidence }) => ({ pointer, kinds, count, rule, evidence }))).toEqual([
      { pointer: '/meta/lastUpdated', kinds: ['changed'], count: 40, rule: { pointer: '/meta/lastUpdated', kinds: ['changed'] }, evidence: { pairsSeen: 50, pairsDiffering: 40 } },
      { pointer: '/entry/*/fullUrl', kinds: ['changed'], count: 3, rule: { pointer: '/entry/*/fullUrl', kinds: ['changed'] }, evidence: { pairsSeen: 50, pairsDiffering: 3 } },
    ]);
    expect(suggestions[0]!.hides).toBe('changed differences at /meta/lastUpdated and below');
  });

  it('leaves out pointers seen fewer times than minCount', () => {
    expect(suggestNoiseRules([{ pointer: '/a', kind: 'changed', count: 2 }], { minCount: 3 })).toEqual([]);
  });

  it('learns from two legacy answers, and the learned rule still reports the field turning null', async () => {
    const at = (lastUpdated: unknown, requestId: string) => ({ meta: { lastUpdated }, requestId, id: 'pat-0001' });
    const observations = observe([[at('2024-05-01T10:00:00Z', 'r1'), at('2024-05-01T10:00:02Z', 'r2')]], await rulesFor({}));
    const rules = await accepting({}, observations);
    expect(found(at('2024-05-01T10:00:00Z', 'r1'), at('2024-06-01T00:00:00Z', 'r9'), rules)).toEqual([]);
    expect(found(at('2024-05-01T10:00:00Z', 'r1'), at(null, 'r3'), rules)).toEqual(['type /meta/lastUpdated']);
  });

  it('counts what a suggestion would have hidden among the differences recorded on new', () => {
    const recorded = [
      { pointer: '/meta/lastUpdated', kind: 'changed' as const, count: 7 },
      { pointer: '/meta/lastUpdated', kind: 'type' as const, count: 2 },
      { pointer: '/entry/*/meta/lastUpdated', kind: 'changed' as const, count: 5 },
      { pointer: '/allergies', kind: 'order' as const, count: 4 },
    ];
    expect(countHiddenDifferences({ pointer: '/meta', kinds: ['changed'], section: 'ignore' }, recorded)).toBe(7);
    expect(countHiddenDifferences({ pointer: '/*/*/meta', kinds: ['changed', 'type'], section: 'ignore' }, recorded)).toBe(5);
    expect(countHiddenDifferences({ pointer: '/allergies', kinds: [], section: 'arrays' }, recorded)).toBe(4);
    expect(suggestNoiseRules([{ pointer: '/meta/lastUpdated', kind: 'changed', count: 3 }], { shadowDifferences: recorded })[0]!.wouldHide).toBe(7);
  });
});

describe('noise learning regressions (issue 9)', () => {
  const telecom = (seen: string[]) => [
    { system: 'phone', value: '555-0100', use: 'home', lastSeen: seen[0] },
    { system: 'email', value: 'a@example.org', use: 'work', lastSeen: seen[1] },
    { system: 'phone', value: '555-0101', use: 'mobile', lastSeen: seen[2] },
  ];

  it('cause 3: mispairing inside an unordered array no longer suggests fields that are not noise', async () => {
    const config = { arrays: { '/telecom': 'unordered' } };
    const first = { telecom: telecom(['t1', 't2', 't3']) };
    const second = { telecom: [...telecom(['t4', 't5', 't6'])].reverse() };
    const observations = observe([[first, second]], await rulesFor(config));
    expect(suggestNoiseRules(observations).map((s) => s.rule)).toEqual([{ pointer: '/telecom/*/lastSeen', kinds: ['changed'] }]);
  });

  it('cause 4: an array legacy returns in random order is suggested `unordered`, and a real change inside it is still reported after accepting', async () => {
    const allergies = [{ code: 'peanut', severity: 'high' }, { code: 'latex', severity: 'low' }, { code: 'penicillin', severity: 'high' }];
    const pairs: [unknown, unknown][] = [[{ allergies }, { allergies: [allergies[2], allergies[0], allergies[1]] }], [{ allergies }, { allergies: [allergies[1], allergies[2], allergies[0]] }]];
    const observations = observe(pairs, await rulesFor({}));
    const suggestions = suggestNoiseRules(observations, { pairsSeen: 2 });
    expect(suggestions.map((s) => [s.section, s.rule])).toEqual([['arrays', { arrays: { '/allergies': 'unordered' } }]]);
    expect(suggestions[0]).toMatchObject({ evidence: { pairsSeen: 2, pairsDiffering: 2 }, kinds: [] });
    const rules = await accepting({}, observations);
    const changed = [allergies[1], { ...allergies[2]!, severity: 'low' }, allergies[0]];
    expect(found({ allergies }, { allergies: changed }, rules)).toEqual(['changed /allergies/2/severity']);
  });

  it('cause 4: a shuffled array of similar records, each with a noisy field, is learned as order plus that field', async () => {
    const entry = (id: string, code: string, value: number, lastUpdated: string) => ({
      fullUrl: `urn:uuid:${id}`,
      resource: { resourceType: 'Observation', id, status: 'final', meta: { lastUpdated }, subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://loinc.org', code }] }, valueQuantity: { value, unit: 'mg/dL', system: 'http://unitsofmeasure.org' } },
    });
    const first = { entry: [entry('o1', '2345-7', 98, 't1'), entry('o2', '2093-3', 180, 't1'), entry('o3', '2085-9', 55, 't1'), entry('o4', '13457-7', 101, 't1')] };
    const second = { entry: [3, 0, 2, 1].map((i) => ({ ...first.entry[i]!, resource: { ...first.entry[i]!.resource, meta: { lastUpdated: 't2' } } })) };
    const observations = observe([[first, second]], await rulesFor({}));
    expect(suggestNoiseRules(observations).map((s) => s.rule)).toEqual([{ arrays: { '/entry': 'unordered' } }, { pointer: '/entry/*/resource/meta/lastUpdated', kinds: ['changed'] }]);
  });

  it('cause 5: a field seen added between legacy answers is suggested for removed too', async () => {
    const observations = observe([[{ id: 'p', note: undefined }, { id: 'p', note: 'cached' }]], await rulesFor({}));
    expect(suggestNoiseRules(observations).map((s) => s.rule)).toEqual([{ pointer: '/note', kinds: ['added', 'removed'] }]);
    const rules = await accepting({}, observations);
    expect(found({ id: 'p', note: 'cached' }, { id: 'p' }, rules)).toEqual([]);
  });
});
