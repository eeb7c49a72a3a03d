import { describe, expect, it } from 'vitest';
import { compareResponses } from './compareResponses.ts';
import { compileCompareRules } from './compileCompareRules.ts';
import { createComparisonWorker } from './createComparisonWorker.ts';
import { createCompareQueue } from './createCompareQueue.ts';
import type { CapturedResponse, Comparison } from './types.ts';

const json = (body: unknown): CapturedResponse => ({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)), truncated: false });
const config = { ignore: ['/meta/lastUpdated'], arrays: { '/tags': 'unordered' } };

describe('createComparisonWorker', () => {
  it('compares on a worker thread with the same result as in process', async () => {
    const worker = await createComparisonWorker({ patients: { config, baseDir: import.meta.dirname } });
    try {
      const control = json({ meta: { lastUpdated: 'a' }, tags: ['x', 'y'], name: 'A' });
      const candidate = json({ meta: { lastUpdated: 'b' }, tags: ['y', 'x'], name: 'B' });
      const inProcess = compareResponses(control, candidate, await compileCompareRules(config, { baseDir: '.' }));
      expect(await worker.compare('patients', control, candidate)).toEqual(inProcess);
    } finally {
      await worker.close();
    }
  });

  it('rejects a comparison for a route it has no rules for, and keeps working', async () => {
    const worker = await createComparisonWorker({ patients: { config, baseDir: '.' } });
    try {
      await expect(worker.compare('unknown', json(1), json(2))).rejects.toMatchObject({ code: 'COMPARE_WORKER_FAILED' });
      expect((await worker.compare('patients', json(1), json(1))).verdict).toBe('match');
    } finally {
      await worker.close();
    }
  });

  it('fails to start on a route config that does not compile', async () => {
    await expect(createComparisonWorker({ bad: { config: { ignore: ['no-slash'] }, baseDir: '.' } })).rejects.toMatchObject({ code: 'COMPARE_WORKER_INIT' });
  });

  it('feeds the compare queue, which reports a closed worker as comparator-error', async () => {
    const worker = await createComparisonWorker({ patients: { config, baseDir: '.' } });
    const results: Comparison[] = [];
    const queue = createCompareQueue<[CapturedResponse, CapturedResponse]>({
      capacity: 10,
      compare: ([control, candidate]) => worker.compare('patients', control, candidate),
      onResult: (_, comparison) => results.push(comparison),
      onDrop: () => {},
    });
    queue.enqueue([json({ a: 1 }), json({ a: 2 })]);
    await queue.drain();
    await worker.close();
    queue.enqueue([json({ a: 1 }), json({ a: 1 })]);
    await queue.drain();
    expect(results.map((c) => c.verdict)).toEqual(['mismatch', 'uncomparable']);
    expect(results[1]!.reason).toBe('comparator-error');
  });
});
