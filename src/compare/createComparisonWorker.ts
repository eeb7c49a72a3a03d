// Runs compareResponses on a worker thread, so decoding and diffing a large body (7-20 ms for a
// 250 KB Bundle, measured) never holds the proxy's event loop. Plugs into createCompareQueue as an
// asynchronous `compare`. A dead worker rejects every comparison (the queue reports
// 'comparator-error'); it is not restarted here — the composition root decides.
import { Worker } from 'node:worker_threads';
import type { WorkerReply, WorkerRoute } from './comparisonWorkerMain.ts';
import type { CapturedResponse, Comparison } from './types.ts';

export interface ComparisonWorker {
  compare(route: string, control: CapturedResponse, candidate: CapturedResponse): Promise<Comparison>;
  close(): Promise<void>;
}

export class ComparisonWorkerError extends Error {
  readonly code: 'COMPARE_WORKER_INIT' | 'COMPARE_WORKER_EXITED' | 'COMPARE_WORKER_FAILED';
  constructor(code: ComparisonWorkerError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ComparisonWorkerError';
    this.code = code;
  }
}

/** Starts a worker holding the compiled rules of the given routes; resolves once they compiled. */
export function createComparisonWorker(routes: Readonly<Record<string, WorkerRoute>>): Promise<ComparisonWorker> {
  const worker = new Worker(new URL('./comparisonWorkerMain.ts', import.meta.url), { workerData: routes });
  const waiting = new Map<number, { resolve: (c: Comparison) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let dead: ComparisonWorkerError | null = null;

  return new Promise((resolveReady, rejectReady) => {
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') return resolveReady(api);
      if (reply.type === 'init-failed') {
        rejectReady(new ComparisonWorkerError('COMPARE_WORKER_INIT', `comparison worker could not compile rules (${reply.code})`));
        return void worker.terminate();
      }
      const pending = waiting.get(reply.id);
      waiting.delete(reply.id);
      if (reply.type === 'result') pending?.resolve(reply.comparison);
      else pending?.reject(new ComparisonWorkerError('COMPARE_WORKER_FAILED', 'comparison failed in the worker'));
    });
    worker.on('error', (cause) => { dead = new ComparisonWorkerError('COMPARE_WORKER_EXITED', 'comparison worker crashed', { cause }); });
    worker.on('exit', () => {
      dead ??= new ComparisonWorkerError('COMPARE_WORKER_EXITED', 'comparison worker exited');
      rejectReady(dead);
      for (const pending of waiting.values()) pending.reject(dead);
      waiting.clear();
    });

    const api: ComparisonWorker = {
      compare(route, control, candidate) {
        if (dead) return Promise.reject(dead);
        const id = nextId++;
        return new Promise((resolve, reject) => {
          waiting.set(id, { resolve, reject });
          worker.postMessage({ id, route, control, candidate });
        });
      },
      async close() {
        await worker.terminate();
      },
    };
  });
}
