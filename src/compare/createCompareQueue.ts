// Comparisons run off the request path: the proxy enqueues and returns at once; a bounded queue
// drains in small setImmediate batches so I/O callbacks interleave with comparison work. Under
// load the queue drops (the caller counts 'queue-full') rather than grow memory or latency.
// Nothing thrown by a comparison or a callback escapes to the proxy (scientist's contract).
import type { Comparison } from './types.ts';

export type EnqueueOutcome = 'queued' | 'dropped';

export interface CompareQueueStats {
  readonly pending: number;
  readonly completed: number;
  readonly dropped: number;
  /** Comparisons that threw: reported as uncomparable 'comparator-error'. */
  readonly comparatorErrors: number;
  /** onResult/onDrop callbacks that threw (the result is lost, the queue goes on). */
  readonly callbackErrors: number;
}

export interface CompareQueueOptions<Job> {
  readonly capacity: number;
  readonly compare: (job: Job) => Comparison;
  readonly onResult: (job: Job, comparison: Comparison) => void;
  readonly onDrop: (job: Job) => void;
  /** How a batch is scheduled; default setImmediate (after pending I/O callbacks). */
  readonly schedule?: (run: () => void) => void;
  /** Jobs per batch before yielding to the event loop; default 8. */
  readonly batchSize?: number;
}

export interface CompareQueue<Job> {
  enqueue(job: Job): EnqueueOutcome;
  /** Resolves once every queued job has been compared (for shutdown). */
  drain(): Promise<void>;
  stats(): CompareQueueStats;
}

const COMPARATOR_ERROR: Comparison = Object.freeze({ verdict: 'uncomparable', differences: Object.freeze([]), reason: 'comparator-error' });

export function createCompareQueue<Job>(options: CompareQueueOptions<Job>): CompareQueue<Job> {
  const schedule = options.schedule ?? ((run: () => void) => void setImmediate(run));
  const batchSize = options.batchSize ?? 8;
  const jobs: Job[] = [];
  let head = 0;
  let scheduled = false;
  let drainWaiters: (() => void)[] = [];
  const counts = { completed: 0, dropped: 0, comparatorErrors: 0, callbackErrors: 0 };

  const guard = (callback: () => void): void => {
    try {
      callback();
    } catch {
      counts.callbackErrors++;
    }
  };

  const runOne = (job: Job): void => {
    let comparison: Comparison;
    try {
      comparison = options.compare(job);
    } catch {
      counts.comparatorErrors++;
      comparison = COMPARATOR_ERROR;
    }
    counts.completed++;
    guard(() => options.onResult(job, comparison));
  };

  const runBatch = (): void => {
    scheduled = false;
    for (let n = 0; n < batchSize && head < jobs.length; n++) runOne(jobs[head++]!);
    // Compact consumed slots, so a queue that never fully empties under load cannot grow.
    if (head >= options.capacity || head === jobs.length) {
      jobs.splice(0, head);
      head = 0;
    }
    if (jobs.length > 0) return scheduleBatch();
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
      if (jobs.length - head >= options.capacity) {
        counts.dropped++;
        guard(() => options.onDrop(job));
        return 'dropped';
      }
      jobs.push(job);
      scheduleBatch();
      return 'queued';
    },
    drain() {
      if (head >= jobs.length) return Promise.resolve();
      return new Promise((resolve) => drainWaiters.push(resolve));
    },
    stats: () => ({ pending: jobs.length - head, ...counts }),
  };
}
