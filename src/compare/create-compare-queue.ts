// Comparisons run off the request path: the proxy enqueues and returns at once; the queue runs
// them in small setImmediate batches so I/O callbacks interleave with comparison work. Under load
// it drops (the caller counts 'queue-full') rather than grow memory or latency. Nothing thrown by
// a comparison or a callback escapes to the proxy (scientist's contract).
//
// Measured (compareResponses.bench.ts): a 250 KB FHIR Bundle costs 7-20 ms of CPU to decode and
// compare, a 10 KB read 0.3-1.5 ms; hence one job per batch by default, so one large comparison at
// most sits between two I/O turns. One job per turn is too few under load, though: with 100
// requests in flight a loop turn took ~15 ms, so the queue compared ~60 pairs a second and dropped
// most of the rest. `sliceMs` lets a turn run jobs until that much time has passed instead. `compare` may return a Promise, so a worker-thread comparator
// can be plugged in without changing callers; `concurrency` bounds such comparisons in flight.
import type { Comparison } from './types.ts';

export type EnqueueOutcome = 'queued' | 'dropped';

export interface CompareQueueStats {
  /** Waiting plus in flight. */
  readonly pending: number;
  readonly completed: number;
  readonly dropped: number;
  /** Comparisons that threw or rejected: reported as uncomparable 'comparator-error'. */
  readonly comparatorErrors: number;
  /** onResult/onDrop callbacks that threw (the result is lost, the queue goes on). */
  readonly callbackErrors: number;
}

export interface CompareQueueOptions<Job, Result = Comparison> {
  /** Jobs waiting or in flight beyond which enqueue drops. */
  readonly capacity: number;
  readonly compare: (job: Job) => Result | Promise<Result>;
  readonly onResult: (job: Job, result: Result) => void;
  /** The result of a comparison that threw or rejected; default an uncomparable 'comparator-error' Comparison. */
  readonly comparatorError?: Result;
  readonly onDrop: (job: Job) => void;
  /** How a batch is scheduled; default setImmediate (after pending I/O callbacks). */
  readonly schedule?: (run: () => void) => void;
  /** Jobs started per batch before yielding to the event loop; default 1 (unbounded with sliceMs). */
  readonly batchSize?: number;
  /** Time a batch may run jobs before yielding (checked after each job); default: none, batchSize decides. */
  readonly sliceMs?: number;
  /** Milliseconds clock for sliceMs; default performance.now. */
  readonly clock?: () => number;
  /** Asynchronous comparisons in flight at once; default 1. */
  readonly concurrency?: number;
}

export interface CompareQueue<Job> {
  /** Never throws and never waits. */
  enqueue(job: Job): EnqueueOutcome;
  /** Resolves once every queued job has been compared (for shutdown). */
  drain(): Promise<void>;
  stats(): CompareQueueStats;
}

const COMPARATOR_ERROR: Comparison = Object.freeze({ verdict: 'uncomparable', differences: Object.freeze([]), reason: 'comparator-error' });

export function createCompareQueue<Job, Result = Comparison>(options: CompareQueueOptions<Job, Result>): CompareQueue<Job> {
  // Only a queue of Comparisons may leave comparatorError out (Result's default).
  const comparatorError = options.comparatorError ?? (COMPARATOR_ERROR as Result);
  const schedule = options.schedule ?? ((run: () => void) => void setImmediate(run));
  const sliceMs = options.sliceMs;
  const batchSize = options.batchSize ?? (sliceMs === undefined ? 1 : Number.POSITIVE_INFINITY);
  const clock = options.clock ?? (() => performance.now());
  const concurrency = options.concurrency ?? 1;
  const waiting: Job[] = [];
  let head = 0;
  let inFlight = 0;
  let scheduled = false;
  let drainWaiters: (() => void)[] = [];
  const counts = { completed: 0, dropped: 0, comparatorErrors: 0, callbackErrors: 0 };
  const pending = (): number => waiting.length - head + inFlight;

  const guard = (callback: () => void): void => {
    try {
      callback();
    } catch {
      counts.callbackErrors++;
    }
  };

  const finish = (job: Job, result: Result): void => {
    counts.completed++;
    guard(() => options.onResult(job, result));
  };

  const fail = (job: Job): void => {
    counts.comparatorErrors++;
    finish(job, comparatorError);
  };

  const start = (job: Job): void => {
    let result: Result | Promise<Result>;
    try {
      result = options.compare(job);
    } catch {
      return fail(job);
    }
    if (!(result instanceof Promise)) return finish(job, result);
    inFlight++;
    result.then((settled) => finish(job, settled), () => fail(job)).finally(() => {
      inFlight--;
      settle();
    });
  };

  const runBatch = (): void => {
    scheduled = false;
    const until = sliceMs === undefined ? Number.POSITIVE_INFINITY : clock() + sliceMs;
    for (let n = 0; n < batchSize && head < waiting.length && inFlight < concurrency; n++) {
      start(waiting[head++]!);
      if (sliceMs !== undefined && clock() >= until) break;
    }
    // Compact consumed slots, so a queue that never fully empties under load cannot grow.
    if (head >= options.capacity || head === waiting.length) {
      waiting.splice(0, head);
      head = 0;
    }
    settle();
  };

  const settle = (): void => {
    if (head < waiting.length && inFlight < concurrency) return scheduleBatch();
    if (pending() > 0) return;
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const scheduleBatch = (): void => {
    if (scheduled) return;
    scheduled = true;
    schedule(runBatch);
  };

  return {
    enqueue(job) {
      if (pending() >= options.capacity) {
        counts.dropped++;
        guard(() => options.onDrop(job));
        return 'dropped';
      }
      waiting.push(job);
      scheduleBatch();
      return 'queued';
    },
    drain() {
      if (pending() === 0) return Promise.resolve();
      return new Promise((resolve) => drainWaiters.push(resolve));
    },
    stats: () => ({ pending: pending(), ...counts }),
  };
}
