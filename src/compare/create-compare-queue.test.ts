import { describe, expect, it } from 'vitest';
import { createCompareQueue } from './create-compare-queue.ts';
import type { Comparison } from './types.ts';

const MATCH: Comparison = { verdict: 'match', differences: [] };

/** A schedule the test runs by hand: no timers, no sleeping. */
function manualSchedule() {
  const pending: (() => void)[] = [];
  return {
    schedule: (run: () => void) => void pending.push(run),
    runAll: () => {
      while (pending.length > 0) pending.shift()!();
    },
    runOne: (): boolean => {
      const run = pending.shift();
      run?.();
      return run !== undefined;
    },
  };
}

describe('createCompareQueue', () => {
  it('compares off the caller: enqueue returns before the comparison runs', () => {
    const clock = manualSchedule();
    const results: number[] = [];
    const queue = createCompareQueue<number>({ capacity: 4, compare: () => MATCH, onResult: (job) => results.push(job), onDrop: () => {}, schedule: clock.schedule });
    expect(queue.enqueue(1)).toBe('queued');
    expect(results).toEqual([]);
    clock.runAll();
    expect(results).toEqual([1]);
  });

  it('drops and reports when full, and accepts again once drained', () => {
    const clock = manualSchedule();
    const dropped: number[] = [];
    const queue = createCompareQueue<number>({ capacity: 2, compare: () => MATCH, onResult: () => {}, onDrop: (job) => dropped.push(job), schedule: clock.schedule });
    expect([1, 2, 3, 4].map((job) => queue.enqueue(job))).toEqual(['queued', 'queued', 'dropped', 'dropped']);
    expect(dropped).toEqual([3, 4]);
    expect(queue.stats()).toMatchObject({ pending: 2, dropped: 2 });
    clock.runAll();
    expect(queue.enqueue(5)).toBe('queued');
    expect(queue.stats()).toMatchObject({ pending: 1, completed: 2, dropped: 2 });
  });

  it('survives a throwing comparator: the job is uncomparable with reason comparator-error, and later jobs still run', () => {
    const clock = manualSchedule();
    const results: [number, Comparison][] = [];
    const queue = createCompareQueue<number>({
      capacity: 10,
      compare: (job) => {
        if (job === 2) throw new Error('comparator bug');
        return MATCH;
      },
      onResult: (job, comparison) => results.push([job, comparison]),
      onDrop: () => {},
      schedule: clock.schedule,
    });
    for (const job of [1, 2, 3]) expect(() => queue.enqueue(job)).not.toThrow();
    expect(() => clock.runAll()).not.toThrow();
    expect(results.map(([job, c]) => [job, c.verdict, c.reason])).toEqual([[1, 'match', undefined], [2, 'uncomparable', 'comparator-error'], [3, 'match', undefined]]);
    expect(queue.stats().comparatorErrors).toBe(1);
  });

  it('never throws from a failing onResult or onDrop callback', () => {
    const clock = manualSchedule();
    const queue = createCompareQueue<number>({ capacity: 1, compare: () => MATCH, onResult: () => { throw new Error('store down'); }, onDrop: () => { throw new Error('metrics down'); }, schedule: clock.schedule });
    queue.enqueue(1);
    expect(queue.enqueue(2)).toBe('dropped');
    clock.runAll();
    expect(queue.stats()).toMatchObject({ completed: 1, dropped: 1, callbackErrors: 2 });
  });

  it('runs jobs in batches of batchSize, yielding to the event loop between them', () => {
    const clock = manualSchedule();
    const seen: number[] = [];
    const queue = createCompareQueue<number>({ capacity: 10, batchSize: 2, compare: () => MATCH, onResult: (job) => seen.push(job), onDrop: () => {}, schedule: clock.schedule });
    for (const job of [1, 2, 3, 4, 5]) queue.enqueue(job);
    const afterEachBatch: number[][] = [];
    while (clock.runOne()) afterEachBatch.push([...seen]);
    expect(afterEachBatch).toEqual([[1, 2], [1, 2, 3, 4], [1, 2, 3, 4, 5]]);
  });

  it('drain resolves once every queued job has been compared', async () => {
    const results: number[] = [];
    const queue = createCompareQueue<number>({ capacity: 100, compare: () => MATCH, onResult: (job) => results.push(job), onDrop: () => {} });
    for (let job = 0; job < 50; job++) queue.enqueue(job);
    await queue.drain();
    expect(results).toHaveLength(50);
    await expect(queue.drain()).resolves.toBeUndefined();
  });
});

describe('createCompareQueue with asynchronous comparisons', () => {
  it('counts in-flight comparisons against capacity and reports a rejection as comparator-error', async () => {
    const results: [number, string | undefined][] = [];
    const queue = createCompareQueue<number>({
      capacity: 2,
      concurrency: 2,
      compare: (job) => (job === 2 ? Promise.reject(new Error('worker died')) : Promise.resolve(MATCH)),
      onResult: (job, comparison) => results.push([job, comparison.reason]),
      onDrop: () => {},
    });
    expect([1, 2, 3].map((job) => queue.enqueue(job))).toEqual(['queued', 'queued', 'dropped']);
    await queue.drain();
    expect(results.sort()).toEqual([[1, undefined], [2, 'comparator-error']]);
    expect(queue.stats()).toMatchObject({ pending: 0, completed: 2, dropped: 1, comparatorErrors: 1 });
  });

  it('with sliceMs, runs jobs in one turn until the slice has passed, then yields', () => {
    const turns = manualSchedule();
    let now = 0;
    const results: number[] = [];
    const queue = createCompareQueue<number>({
      capacity: 10, compare: () => { now += 1; return MATCH; }, onResult: (job) => results.push(job), onDrop: () => {},
      schedule: turns.schedule, sliceMs: 3, clock: () => now,
    });
    for (let job = 1; job <= 7; job++) queue.enqueue(job);
    turns.runOne();
    expect(results).toEqual([1, 2, 3]);
    turns.runOne();
    expect(results).toEqual([1, 2, 3, 4, 5, 6]);
    turns.runAll();
    expect(results).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
