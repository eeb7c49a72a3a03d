// Entry point of the comparison worker thread (see createComparisonWorker). Rules are compiled here
// from the same raw `compare:` blocks, because compiled rules hold functions that cannot cross a
// thread boundary.
import { parentPort, workerData } from 'node:worker_threads';
import { compareResponses } from './compareResponses.ts';
import { compileCompareRules, type CompareRules } from './compileCompareRules.ts';
import type { CapturedResponse, Comparison } from './types.ts';

export interface WorkerRoute {
  readonly config: unknown;
  readonly baseDir: string;
}

export type WorkerRequest = { readonly id: number; readonly route: string; readonly control: CapturedResponse; readonly candidate: CapturedResponse };
export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'init-failed'; readonly code: string }
  | { readonly type: 'result'; readonly id: number; readonly comparison: Comparison }
  | { readonly type: 'failed'; readonly id: number };

const port = parentPort;
if (port) {
  const routes = workerData as Record<string, WorkerRoute>;
  const rules = new Map<string, CompareRules>();
  try {
    for (const [route, { config, baseDir }] of Object.entries(routes)) rules.set(route, await compileCompareRules(config, { baseDir }));
    port.postMessage({ type: 'ready' } satisfies WorkerReply);
  } catch (error) {
    port.postMessage({ type: 'init-failed', code: String((error as { code?: unknown }).code ?? 'UNKNOWN') } satisfies WorkerReply);
  }
  port.on('message', (request: WorkerRequest) => {
    const routeRules = rules.get(request.route);
    try {
      if (!routeRules) throw new Error('unknown route');
      // Structured clone turns Buffers into Uint8Arrays.
      const comparison = compareResponses(asBuffer(request.control), asBuffer(request.candidate), routeRules);
      port.postMessage({ type: 'result', id: request.id, comparison } satisfies WorkerReply);
    } catch {
      port.postMessage({ type: 'failed', id: request.id } satisfies WorkerReply);
    }
  });
}

function asBuffer(response: CapturedResponse): CapturedResponse {
  const body = response.body as Uint8Array;
  return { ...response, body: Buffer.from(body.buffer, body.byteOffset, body.byteLength) };
}
