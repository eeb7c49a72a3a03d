// Worker threads that compare large pairs off the proxy's event loop, with the time budget
// enforced from outside: a comparison still running when its budget ends gets its worker
// terminated (V8 stops even a tight loop) and replaced, and the pair becomes uncomparable
// 'time-budget'. A worker that dies (out of its heap, a crash) is replaced the same way and its
// pair is 'worker-crashed'. compare() never rejects: the proxy only ever sees a RecordedComparison
// (the worker builds the difference records; the values never come back).
//
// Why not piscina: its per-task timeout is an AbortSignal the task must honour, and a synchronous
// diff never looks; terminate-and-replace is the one thing needed, and it is this file.
import { Worker } from 'node:worker_threads';
import type { CompareLimits } from './compare-limits.ts';
import type { RuleSource, WorkerOptions, WorkerReply, WorkerRequest } from './comparison-worker-main.ts';
import { uncomparableRecord, type RecordedComparison, type RecordingContext } from './record-comparison.ts';
import type { CapturedResponse } from './types.ts';

export interface WorkerJob {
  readonly rules: RuleSource;
  readonly limits: CompareLimits;
  readonly control: CapturedResponse;
  readonly candidate: CapturedResponse;
  readonly recording: RecordingContext;
}

export type PoolEvent = { readonly type: 'worker-replaced'; readonly reason: 'time-budget' | 'worker-crashed' } | { readonly type: 'pool-failed'; readonly code: string };

export interface ComparisonWorkerPoolOptions {
  readonly size: number;
  /**
   * Pairs handed to one worker at a time (it compares them one after another). More than one,
   * because a busy proxy loop answers a worker's "done" a whole turn late (~10 ms at 100 requests
   * in flight): one pair per worker then meant ~100 comparisons a second. Default 16.
   */
  readonly depth?: number;
  /**
   * Scheduling niceness of the worker threads (default 10; 0 = the proxy's own priority): under CPU
   * contention the proxy's loop runs first and comparisons wait (lower-thread-priority.ts).
   */
  readonly niceness?: number;
  /** V8 old-generation heap of one worker; a body that needs more crashes only that worker. */
  readonly maxHeapMb?: number;
  /** Told when a worker is replaced or the pool gives up (workers die before they are ready). */
  readonly onEvent?: (event: PoolEvent) => void;
}

export interface ComparisonWorkerPoolStats {
  readonly size: number;
  /** Pairs handed to workers and not answered yet. */
  readonly busy: number;
  readonly waiting: number;
  readonly replaced: number;
}

export interface ComparisonWorkerPool {
  readonly size: number;
  /** Pairs that can be on workers at once (size × depth): more wait in the pool. */
  readonly capacity: number;
  compare(job: WorkerJob): Promise<RecordedComparison>;
  stats(): ComparisonWorkerPoolStats;
  close(): Promise<void>;
}

interface Waiting {
  readonly job: WorkerJob;
  readonly settle: (recorded: RecordedComparison) => void;
}

interface Running extends Waiting {
  readonly id: number;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** In the order sent; the worker runs them in that order, so the first is the one running. */
  outstanding: Running[];
  /** The time budget of outstanding[0], started when it became the one running. */
  timer: NodeJS.Timeout | undefined;
}

/** Workers that die before saying ready this many times in a row mean they cannot start at all. */
const MAX_FAILED_STARTS = 3;
const DEFAULT_NICENESS = 10;
const WORKER_URL = new URL('./comparison-worker-main.ts', import.meta.url);

export function createComparisonWorkerPool(options: ComparisonWorkerPoolOptions): ComparisonWorkerPool {
  const size = Math.max(1, options.size);
  const depth = Math.max(1, options.depth ?? 16);
  const slots: Slot[] = [];
  const waiting: Waiting[] = [];
  let nextId = 0;
  let replaced = 0;
  let failedStarts = 0;
  let failed: string | undefined;
  let closed = false;

  const report = (event: PoolEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // A failing listener must not stop the pool.
    }
  };

  const spawn = (slot?: Slot): Slot => {
    const workerData: WorkerOptions = { niceness: options.niceness ?? DEFAULT_NICENESS };
    const worker = new Worker(WORKER_URL, { workerData, resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 512 } });
    // A worker never keeps a draining process alive; close() terminates them.
    worker.unref();
    const target: Slot = slot ?? { worker, ready: false, outstanding: [], timer: undefined };
    Object.assign(target, { worker, ready: false, outstanding: [], timer: undefined });
    worker.on('message', (reply: WorkerReply) => onReply(target, worker, reply));
    // 'error' (an uncaught throw, ERR_WORKER_OUT_OF_MEMORY) is always followed by 'exit'.
    worker.on('error', () => {});
    worker.on('exit', () => onExit(target, worker));
    return target;
  };

  const timeHead = (slot: Slot): void => {
    clearTimeout(slot.timer);
    const head = slot.outstanding[0];
    slot.timer = head && setTimeout(() => {
      if (slot.outstanding[0] === head) abandon(slot, 'time-budget');
    }, head.job.limits.timeMs);
    slot.timer?.unref();
  };

  const onReply = (slot: Slot, worker: Worker, reply: WorkerReply): void => {
    if (slot.worker !== worker) return;
    if (reply.type === 'ready') {
      slot.ready = true;
      failedStarts = 0;
      return pump();
    }
    const index = slot.outstanding.findIndex((r) => r.id === reply.id);
    if (index === -1) return;
    const [running] = slot.outstanding.splice(index, 1);
    if (index === 0) timeHead(slot);
    running!.settle(reply.type === 'result' ? reply.recorded : uncomparableRecord('comparator-error'));
    pump();
  };

  const onExit = (slot: Slot, worker: Worker): void => {
    if (slot.worker !== worker || closed) return; // replaced on purpose, or shutting down
    if (!slot.ready && ++failedStarts >= MAX_FAILED_STARTS) return fail('COMPARE_WORKER_START');
    abandon(slot, 'worker-crashed');
  };

  /** The running pair ends with `reason`; the worker is replaced; the pairs behind it are sent again. */
  const abandon = (slot: Slot, reason: 'time-budget' | 'worker-crashed'): void => {
    clearTimeout(slot.timer);
    const [head, ...behind] = slot.outstanding;
    waiting.unshift(...behind);
    replaced++;
    const old = slot.worker;
    spawn(slot);
    void old.terminate();
    head?.settle(uncomparableRecord(reason));
    report({ type: 'worker-replaced', reason });
  };

  const pump = (): void => {
    for (const slot of slots) {
      while (slot.ready && slot.outstanding.length < depth && waiting.length > 0) {
        const running: Running = { id: nextId++, ...waiting.shift()! };
        slot.outstanding.push(running);
        if (slot.outstanding.length === 1) timeHead(slot);
        slot.worker.postMessage({ id: running.id, ...running.job } satisfies WorkerRequest);
      }
    }
  };

  const settleAll = (): void => {
    for (const slot of slots) {
      clearTimeout(slot.timer);
      for (const { settle } of slot.outstanding.splice(0)) settle(uncomparableRecord('worker-crashed'));
    }
    for (const { settle } of waiting.splice(0)) settle(uncomparableRecord('worker-crashed'));
  };

  const fail = (code: string): void => {
    failed = code;
    report({ type: 'pool-failed', code });
    settleAll();
  };

  // Workers start with the first pair that needs one: starting a thread costs a few hundred ms of
  // CPU, which a Ficus whose routes only ever see small bodies should not pay at start-up.
  const start = (): void => {
    while (slots.length < size) slots.push(spawn());
  };

  return {
    size,
    capacity: size * depth,
    compare(job) {
      if (closed || failed) return Promise.resolve(uncomparableRecord('worker-crashed'));
      start();
      return new Promise((settle) => {
        waiting.push({ job, settle });
        pump();
      });
    },
    stats: () => ({ size, busy: slots.reduce((n, s) => n + s.outstanding.length, 0), waiting: waiting.length, replaced }),
    async close() {
      closed = true;
      settleAll();
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
