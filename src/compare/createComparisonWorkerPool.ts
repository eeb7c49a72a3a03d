// Worker threads that compare large pairs off the proxy's event loop, with the time budget
// enforced from outside: a comparison still running when its budget ends gets its worker
// terminated (V8 stops even a tight loop) and replaced, and the pair becomes uncomparable
// 'time-budget'. A worker that dies (out of its heap, a crash) is replaced the same way and its
// pair is 'worker-crashed'. compare() never rejects: the proxy only ever sees a Comparison.
//
// Why not piscina: its per-task timeout is an AbortSignal the task must honour, and a synchronous
// diff never looks; terminate-and-replace is the one thing needed, and it is this file.
import { Worker } from 'node:worker_threads';
import type { CompareLimits } from './compareLimits.ts';
import type { UncomparableReason } from './evidence.ts';
import type { RuleSource, WorkerReply, WorkerRequest } from './comparisonWorkerMain.ts';
import type { CapturedResponse, Comparison } from './types.ts';

export interface WorkerJob {
  readonly rules: RuleSource;
  readonly limits: CompareLimits;
  readonly control: CapturedResponse;
  readonly candidate: CapturedResponse;
}

export type PoolEvent = { readonly type: 'worker-replaced'; readonly reason: 'time-budget' | 'worker-crashed' } | { readonly type: 'pool-failed'; readonly code: string };

export interface ComparisonWorkerPoolOptions {
  readonly size: number;
  /** V8 old-generation heap of one worker; a body that needs more crashes only that worker. */
  readonly maxHeapMb?: number;
  /** Told when a worker is replaced or the pool gives up (workers die before they are ready). */
  readonly onEvent?: (event: PoolEvent) => void;
}

export interface ComparisonWorkerPoolStats {
  readonly size: number;
  readonly busy: number;
  readonly waiting: number;
  readonly replaced: number;
}

export interface ComparisonWorkerPool {
  readonly size: number;
  compare(job: WorkerJob): Promise<Comparison>;
  stats(): ComparisonWorkerPoolStats;
  close(): Promise<void>;
}

interface Running {
  readonly id: number;
  readonly settle: (comparison: Comparison) => void;
  readonly timer: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  running: Running | undefined;
}

interface Waiting {
  readonly job: WorkerJob;
  readonly settle: (comparison: Comparison) => void;
}

/** Workers that die before saying ready this many times in a row mean they cannot start at all. */
const MAX_FAILED_STARTS = 3;
const WORKER_URL = new URL('./comparisonWorkerMain.ts', import.meta.url);

export function createComparisonWorkerPool(options: ComparisonWorkerPoolOptions): ComparisonWorkerPool {
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
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 512 } });
    // A worker never keeps a draining process alive; close() terminates them.
    worker.unref();
    const target = slot ?? { worker, ready: false, running: undefined };
    Object.assign(target, { worker, ready: false, running: undefined });
    worker.on('message', (reply: WorkerReply) => onReply(target, worker, reply));
    // 'error' (an uncaught throw, ERR_WORKER_OUT_OF_MEMORY) is always followed by 'exit'.
    worker.on('error', () => {});
    worker.on('exit', () => onExit(target, worker));
    return target;
  };

  const onReply = (slot: Slot, worker: Worker, reply: WorkerReply): void => {
    if (slot.worker !== worker) return;
    if (reply.type === 'ready') {
      slot.ready = true;
      failedStarts = 0;
      return pump();
    }
    const running = slot.running;
    if (!running || running.id !== reply.id) return;
    finish(slot, reply.type === 'result' ? reply.comparison : uncomparable('comparator-error'));
    pump();
  };

  const onExit = (slot: Slot, worker: Worker): void => {
    if (slot.worker !== worker || closed) return; // replaced on purpose, or shutting down
    if (!slot.ready && ++failedStarts >= MAX_FAILED_STARTS) return fail('COMPARE_WORKER_START');
    if (slot.running) finish(slot, uncomparable('worker-crashed'));
    replace(slot, 'worker-crashed');
  };

  const finish = (slot: Slot, comparison: Comparison): void => {
    const running = slot.running;
    if (!running) return;
    slot.running = undefined;
    clearTimeout(running.timer);
    running.settle(comparison);
  };

  const replace = (slot: Slot, reason: 'time-budget' | 'worker-crashed'): void => {
    replaced++;
    const old = slot.worker;
    spawn(slot);
    void old.terminate();
    report({ type: 'worker-replaced', reason });
  };

  const dispatch = (slot: Slot, { job, settle }: Waiting): void => {
    const id = nextId++;
    const timer = setTimeout(() => {
      if (slot.running?.id !== id) return;
      finish(slot, uncomparable('time-budget'));
      replace(slot, 'time-budget');
    }, job.limits.timeMs);
    timer.unref();
    slot.running = { id, settle, timer };
    const request: WorkerRequest = { id, ...job };
    slot.worker.postMessage(request);
  };

  const pump = (): void => {
    for (const slot of slots) {
      if (waiting.length === 0) return;
      if (slot.ready && !slot.running) dispatch(slot, waiting.shift()!);
    }
  };

  const fail = (code: string): void => {
    failed = code;
    report({ type: 'pool-failed', code });
    for (const slot of slots) finish(slot, uncomparable('worker-crashed'));
    for (const { settle } of waiting.splice(0)) settle(uncomparable('worker-crashed'));
  };

  const size = Math.max(1, options.size);
  // Workers start with the first pair that needs one: starting a thread costs a few hundred ms of
  // CPU, which a Ficus whose routes only ever see small bodies should not pay at start-up.
  const start = (): void => {
    while (slots.length < size) slots.push(spawn());
  };

  return {
    size,
    compare(job) {
      if (closed || failed) return Promise.resolve(uncomparable('worker-crashed'));
      start();
      return new Promise((settle) => {
        waiting.push({ job, settle });
        pump();
      });
    },
    stats: () => ({ size, busy: slots.filter((s) => s.running).length, waiting: waiting.length, replaced }),
    async close() {
      closed = true;
      for (const slot of slots) finish(slot, uncomparable('worker-crashed'));
      for (const { settle } of waiting.splice(0)) settle(uncomparable('worker-crashed'));
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}

function uncomparable(reason: UncomparableReason): Comparison {
  return Object.freeze({ verdict: 'uncomparable', differences: Object.freeze([]), reason });
}
