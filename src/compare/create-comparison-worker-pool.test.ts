import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMPARE_LIMITS } from './compare-limits.ts';
import { compareResponses } from './compare-responses.ts';
import { compileCompareRules } from './compile-compare-rules.ts';
import { createComparisonWorkerPool, type PoolEvent, type WorkerJob } from './create-comparison-worker-pool.ts';
import { recordComparison } from './record-comparison.ts';
import type { CapturedResponse } from './types.ts';
import { waitFor } from '../../tests/support/wait-for.ts';

const json = (body: unknown): CapturedResponse => ({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)), truncated: false });
const config = { ignore: ['/meta/lastUpdated'], arrays: { '/tags': 'unordered' } };

// Route comparator modules that misbehave the ways a comparison can: loop forever, kill the thread.
const dir = mkdtempSync(join(tmpdir(), 'ficus-pool-'));
writeFileSync(join(dir, 'spin.mjs'), 'export default () => { for (;;) {} };\n');
writeFileSync(join(dir, 'exit.mjs'), 'export default () => process.exit(3);\n');
writeFileSync(join(dir, 'hog.mjs'), 'export default () => { const keep = []; for (;;) keep.push(new Array(1e5).fill(keep.length)); };\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const recording = { route: 'patient-read', source: 'shadow', key: { id: 'k1', secret: Buffer.from('pool-test-secret') } } as const;
const job = (rules: Partial<WorkerJob['rules']>, control: CapturedResponse, candidate: CapturedResponse, limits = DEFAULT_COMPARE_LIMITS): WorkerJob => ({
  rules: { key: JSON.stringify(rules.config ?? config), config, baseDir: dir, ...rules },
  limits,
  control,
  candidate,
  recording,
});

/** Niceness of each thread of this process (field 19 of /proc/self/task/<tid>/stat). */
const threadNiceness = (): number[] =>
  readdirSync('/proc/self/task').map((tid) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[16]));

describe('createComparisonWorkerPool', () => {
  it.runIf(existsSync('/proc/thread-self'))('runs its workers niced below the proxy, whose own thread keeps its priority', async () => {
    const niced = () => threadNiceness().filter((n) => n === 7).length;
    const before = niced();
    const pool = createComparisonWorkerPool({ size: 2, niceness: 7 });
    try {
      await pool.compare(job({}, json(1), json(2)));
      // Both workers start with the first pair; each renices itself as it starts.
      await waitFor(() => niced() - before === 2, 30_000, 'two niced worker threads');
      expect(niced() - before).toBe(2);
      expect(Number(readFileSync('/proc/thread-self/stat', 'utf8').replace(/^.*\) /s, '').split(' ')[16])).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('compares and records on a worker thread with the same result as in process', async () => {
    const pool = createComparisonWorkerPool({ size: 1 });
    try {
      const control = json({ meta: { lastUpdated: 'a' }, tags: ['x', 'y'], name: 'A' });
      const candidate = json({ meta: { lastUpdated: 'b' }, tags: ['y', 'x'], name: 'B' });
      const inProcess = recordComparison(compareResponses(control, candidate, await compileCompareRules(config, { baseDir: '.' })), recording);
      expect(await pool.compare(job({}, control, candidate))).toEqual(inProcess);
    } finally {
      await pool.close();
    }
  });

  it('answers with PHI-safe records and a count, never the differing values (the HMACs are made on the worker)', async () => {
    const pool = createComparisonWorkerPool({ size: 1 });
    try {
      const control = json({ id: 'MRN-99887766', name: [{ family: 'Quigglesworth' }], birthDate: '1931-02-28' });
      const candidate = json({ id: 'MRN-99887767', name: [{ family: 'Quigglesworth-Smith' }], birthDate: '1931-02-29' });
      const answer = await pool.compare(job({}, control, candidate));
      expect(answer).toMatchObject({ verdict: 'mismatch', differenceCount: 3 });
      expect(answer.records.map((r) => r.pointer).sort()).toEqual(['/birthDate', '/id', '/name/*/family']);
      expect(answer.records.every((r) => r.keyId === 'k1' && /^[0-9a-f]{64}$/.test(r.controlHmac ?? ''))).toBe(true);
      expect(answer).not.toHaveProperty('differences');
      const text = JSON.stringify(answer);
      for (const value of ['MRN-99887766', 'Quigglesworth', '1931-02-2']) expect(text).not.toContain(value);
    } finally {
      await pool.close();
    }
  });

  it('makes a comparison that overruns its time budget uncomparable and replaces the worker, which then compares again', async () => {
    const events: PoolEvent[] = [];
    const pool = createComparisonWorkerPool({ size: 1, onEvent: (e) => events.push(e) });
    try {
      const spin = { key: 'spin', config: { comparator: './spin.mjs' } };
      const overrun = await pool.compare(job(spin, json({ a: 1 }), json({ a: 2 }), { ...DEFAULT_COMPARE_LIMITS, timeMs: 200 }));
      expect(overrun).toMatchObject({ verdict: 'uncomparable', reason: 'time-budget' });
      expect(events).toEqual([{ type: 'worker-replaced', reason: 'time-budget' }]);
      expect((await pool.compare(job({}, json({ a: 1 }), json({ a: 2 })))).verdict).toBe('mismatch');
      expect(pool.stats()).toMatchObject({ replaced: 1, busy: 0, waiting: 0 });
    } finally {
      await pool.close();
    }
  });

  it('makes the pair of a worker that exits or runs out of heap worker-crashed, and carries on', async () => {
    const events: PoolEvent[] = [];
    const pool = createComparisonWorkerPool({ size: 1, maxHeapMb: 32, onEvent: (e) => events.push(e) });
    try {
      const exit = await pool.compare(job({ key: 'exit', config: { comparator: './exit.mjs' } }, json({ a: 1 }), json({ a: 2 })));
      const hog = await pool.compare(job({ key: 'hog', config: { comparator: './hog.mjs' } }, json({ a: 1 }), json({ a: 2 }), { ...DEFAULT_COMPARE_LIMITS, timeMs: 60_000 }));
      expect([exit.reason, hog.reason]).toEqual(['worker-crashed', 'worker-crashed']);
      expect(events).toEqual([{ type: 'worker-replaced', reason: 'worker-crashed' }, { type: 'worker-replaced', reason: 'worker-crashed' }]);
      expect((await pool.compare(job({}, json({ a: 1 }), json({ a: 1 })))).verdict).toBe('match');
    } finally {
      await pool.close();
    }
  });

  it('makes a pair whose rules do not compile comparator-error, and keeps comparing others', async () => {
    const pool = createComparisonWorkerPool({ size: 1 });
    try {
      expect(await pool.compare(job({ key: 'bad', config: { ignore: ['no-slash'] } }, json(1), json(2)))).toMatchObject({ verdict: 'uncomparable', reason: 'comparator-error' });
      expect((await pool.compare(job({}, json(1), json(2)))).verdict).toBe('mismatch');
    } finally {
      await pool.close();
    }
  });

  it('queues pairs beyond its size and runs them as workers free up', async () => {
    const pool = createComparisonWorkerPool({ size: 2 });
    try {
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.compare(job({}, json({ i }), json({ i: i % 2 === 0 ? i : -i })))));
      expect(results.map((r) => r.verdict)).toEqual(['match', 'mismatch', 'match', 'mismatch', 'match', 'mismatch']);
    } finally {
      await pool.close();
    }
  });

  it('answers pending pairs worker-crashed when closed', async () => {
    const pool = createComparisonWorkerPool({ size: 1 });
    const pending = pool.compare(job({ key: 'spin', config: { comparator: './spin.mjs' } }, json(1), json(2), { ...DEFAULT_COMPARE_LIMITS, timeMs: 60_000 }));
    const queued = pool.compare(job({}, json(1), json(1)));
    await new Promise((r) => setTimeout(r, 50));
    await pool.close();
    expect([(await pending).reason, (await queued).reason]).toEqual(['worker-crashed', 'worker-crashed']);
  });

  it('compares the pairs queued on a worker behind one that overran, on its replacement', async () => {
    const pool = createComparisonWorkerPool({ size: 1, depth: 4 });
    try {
      const spin = pool.compare(job({ key: 'spin', config: { comparator: './spin.mjs' } }, json(1), json(2), { ...DEFAULT_COMPARE_LIMITS, timeMs: 200 }));
      const behind = [pool.compare(job({}, json({ a: 1 }), json({ a: 1 }))), pool.compare(job({}, json({ a: 1 }), json({ a: 2 })))];
      expect((await spin).reason).toBe('time-budget');
      expect((await Promise.all(behind)).map((c) => c.verdict)).toEqual(['match', 'mismatch']);
      expect(pool.stats()).toMatchObject({ replaced: 1, busy: 0, waiting: 0 });
    } finally {
      await pool.close();
    }
  });
});

