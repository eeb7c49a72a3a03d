// Array matching, through compareResponses alone (issue 9, causes 1 and 2, Build 1).
import { describe, expect, it } from 'vitest';
import { DEFAULT_COMPARE_LIMITS } from './compare-limits.ts';
import { compareResponses } from './compare-responses.ts';
import { compileCompareRules, type CompareRules } from './compile-compare-rules.ts';
import type { CapturedResponse } from './types.ts';

const json = (body: unknown): CapturedResponse => ({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)), truncated: false });
const rulesFor = (config: unknown): Promise<CompareRules> => compileCompareRules(config, { baseDir: '.' });
const found = (control: unknown, candidate: unknown, rules: CompareRules): string[] =>
  compareResponses(json(control), json(candidate), rules).differences.map((d) => `${d.kind} ${d.pointer}`);

/** Deterministic shuffle (a seeded LCG), so a failure reproduces. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const vitals = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `obs-${i}`, code: 'heart-rate', value: 60 + (i % 40) + 0.25, at: `2024-05-01T10:${String(i % 60).padStart(2, '0')}:00Z`, rank: i }));

describe('unordered arrays match under the rules (cause 1)', () => {
  it('matches shuffled rows that differ only within the numeric tolerance, reporting nothing', async () => {
    const rules = await rulesFor({ arrays: { '/rows': 'unordered' }, tolerance: { numeric: { '/rows/*/value': 1e-6 } } });
    const control = vitals(12);
    const candidate = shuffled(control.map((row) => ({ ...row, value: row.value + 1e-9 })), 7);
    expect(found({ rows: control }, { rows: candidate }, rules)).toEqual([]);
  });

  it('matches shuffled rows whose only difference is under a kind-restricted ignore', async () => {
    const rules = await rulesFor({ arrays: { '/rows': 'unordered' }, ignore: [{ pointer: '/rows/*/at', kinds: ['changed'] }] });
    const control = vitals(8);
    const candidate = shuffled(control.map((row) => ({ ...row, at: '2025-01-01T00:00:00Z' })), 3);
    expect(found({ rows: control }, { rows: candidate }, rules)).toEqual([]);
  });

  it('matches shuffled rows within a timestamp tolerance', async () => {
    const rules = await rulesFor({ arrays: { '/rows': 'unordered' }, tolerance: { timestamp: { '/rows/*/at': 2000 } } });
    const control = vitals(6);
    const candidate = shuffled(control.map((row) => ({ ...row, at: row.at.replace(':00Z', ':01Z') })), 5);
    expect(found({ rows: control }, { rows: candidate }, rules)).toEqual([]);
  });
});

describe('unordered leftovers pair by similarity, never by position (cause 2)', () => {
  const telecom = [
    { system: 'phone', value: '555-0100', use: 'home', rank: 1 },
    { system: 'phone', value: '555-0101', use: 'work', rank: 2 },
    { system: 'email', value: 'a@example.org', use: 'home', rank: 3 },
  ];

  it('reports two changed elements at their own fields, not values compared across elements', async () => {
    const rules = await rulesFor({ arrays: { '/telecom': 'unordered' } });
    const candidate = [{ ...telecom[2]!, use: 'work' }, telecom[0]!, { ...telecom[1]!, rank: 9 }];
    expect(found({ telecom }, { telecom: candidate }, rules).sort()).toEqual(['changed /telecom/1/rank', 'changed /telecom/2/use']);
  });

  it('reports one changed field in every element once per element, at that field only', async () => {
    const rules = await rulesFor({ arrays: { '/telecom': 'unordered' } });
    const candidate = shuffled(telecom.map((t) => ({ ...t, rank: t.rank + 10 })), 11);
    expect(found({ telecom }, { telecom: candidate }, rules).sort()).toEqual(['changed /telecom/0/rank', 'changed /telecom/1/rank', 'changed /telecom/2/rank']);
  });

  it('reports a stranger as removed and added rather than pairing it with the element it replaced', async () => {
    const rules = await rulesFor({ arrays: { '/telecom': 'unordered' } });
    const stranger = { system: 'fax', value: '555-0199', use: 'temp', rank: 7 };
    expect(found({ telecom }, { telecom: [telecom[1]!, stranger, telecom[0]!] }, rules)).toEqual(['removed /telecom/2', 'added /telecom/1']);
  });

  it('property: one field changed in one element of a shuffled array gives exactly one difference, at that field', async () => {
    const rules = await rulesFor({ arrays: { '/rows': 'unordered' } });
    const control = vitals(40);
    const fields = ['code', 'value', 'at', 'rank'] as const;
    for (let seed = 1; seed <= 25; seed++) {
      const target = (seed * 7) % control.length;
      const field = fields[seed % fields.length]!;
      const changed = control.map((row, i) => (i === target ? { ...row, [field]: field === 'code' || field === 'at' ? 'x' : -1 } : row));
      expect(found({ rows: control }, { rows: shuffled(changed, seed) }, rules), `seed ${seed}`).toEqual([`changed /rows/${target}/${field}`]);
    }
  });

  it('stays exact on a 10,000-element shuffled array with one field changed in every element', async () => {
    const rules = await rulesFor({ arrays: { '/rows': 'unordered' } });
    const control = vitals(10_000);
    const candidate = shuffled(control.map((row) => ({ ...row, rank: row.rank + 0.5 })), 42);
    // The per-comparison cap on differences (compareLimits.ts) is raised: this is about the matching.
    const differences = compareResponses(json({ rows: control }), json({ rows: candidate }), rules, { ...DEFAULT_COMPARE_LIMITS, differences: 10_000 }).differences;
    expect(differences).toHaveLength(10_000);
    expect(differences.every((d, i) => d.kind === 'changed' && d.pointer.endsWith('/rank') && d.controlValue === control[Number(d.pointer.split('/')[2])]!.rank && i >= 0)).toBe(true);
  });
});

describe('arrays without a policy: in order, aligned by similarity when position cannot explain them', () => {
  const rows = vitals(5);

  it('reports one changed field at its position, as before', async () => {
    const candidate = rows.map((row, i) => (i === 3 ? { ...row, value: 1 } : row));
    expect(found({ rows }, { rows: candidate }, await rulesFor({}))).toEqual(['changed /rows/3/value']);
  });

  it('reports an element inserted at the front as one added element, not every element changed', async () => {
    const inserted = { id: 'obs-new', code: 'spo2', value: 97, at: '2024-05-01T11:00:00Z', rank: 99 };
    expect(found({ rows }, { rows: [inserted, ...rows] }, await rulesFor({}))).toEqual(['added /rows/0']);
  });

  it('reports a reordering as one order difference at the array, plus the real change inside an element', async () => {
    const candidate = shuffled(rows.map((row, i) => (i === 2 ? { ...row, code: 'spo2' } : row)), 9);
    expect(found({ rows }, { rows: candidate }, await rulesFor({}))).toEqual(['order /rows', 'changed /rows/2/code']);
  });

  it('keeps an explicit `ordered` policy strictly positional', async () => {
    expect(found({ tags: ['a', 'b'] }, { tags: ['b', 'a'] }, await rulesFor({ arrays: { '/tags': 'ordered' } }))).toEqual(['changed /tags/0', 'changed /tags/1']);
  });
});

describe('keyed arrays', () => {
  it('match by a composite key (time + metric) given as a list', async () => {
    const rules = await rulesFor({ arrays: { '/points': { keyed: ['at', 'metric'] } } });
    const control = [{ at: 't1', metric: 'hr', v: 60 }, { at: 't1', metric: 'spo2', v: 97 }, { at: 't2', metric: 'hr', v: 61 }];
    const candidate = [{ at: 't2', metric: 'hr', v: 61 }, { at: 't1', metric: 'spo2', v: 95 }, { at: 't1', metric: 'hr', v: 60 }];
    expect(found({ points: control }, { points: candidate }, rules)).toEqual(['changed /points/1/v']);
  });

  it('pair by the whole composite key even when another pairing would look more similar', async () => {
    const rules = await rulesFor({ arrays: { '/points': { keyed: ['at', 'metric'] } } });
    const hr = { at: 't1', metric: 'hr', v: 60, unit: 'bpm', device: 'd1' };
    const spo2 = { at: 't1', metric: 'spo2', v: 97, unit: '%', device: 'd2' };
    // Each candidate row carries the other metric's readings: only the key says which row is which.
    const candidate = [{ ...spo2, metric: 'hr' }, { ...hr, metric: 'spo2' }];
    expect(found({ points: [hr, spo2] }, { points: candidate }, rules).sort()).toEqual([
      'changed /points/0/device', 'changed /points/0/unit', 'changed /points/0/v',
      'changed /points/1/device', 'changed /points/1/unit', 'changed /points/1/v',
    ]);
  });

  it('match elements missing a key part by similarity among themselves', async () => {
    const rules = await rulesFor({ arrays: { '/points': { keyed: ['at', 'metric'] } } });
    const control = [{ at: 't1', v: 1, note: 'a' }, { at: 't2', v: 2, note: 'b' }];
    const candidate = [{ at: 't2', v: 2, note: 'c' }, { at: 't1', v: 1, note: 'a' }];
    expect(found({ points: control }, { points: candidate }, rules)).toEqual(['changed /points/1/note']);
  });
});
