// Entry point of a comparison worker thread (see createComparisonWorkerPool). Each request names
// its route's raw `compare:` block (compiled rules hold functions and cannot cross a thread
// boundary), compiled here once per distinct block and kept; a route reload brings a new key.
// The worker also turns the differences into their PHI-safe records (keyed HMACs) and answers
// with those alone: the proxy's loop gets a few hundred bytes back, never the bodies' values.
import { parentPort, workerData } from 'node:worker_threads';
import { compareResponses } from './compare-responses.ts';
import type { CompareLimits } from './compare-limits.ts';
import { lowerThreadPriority } from './lower-thread-priority.ts';
import { compileCompareRules, type CompareRules } from './compile-compare-rules.ts';
import { recordComparison, type RecordedComparison, type RecordingContext } from './record-comparison.ts';
import type { CapturedResponse } from './types.ts';

/** A route's compare rules as data: `key` changes whenever `config` or `baseDir` does. */
export interface RuleSource {
  readonly key: string;
  readonly config: unknown;
  readonly baseDir: string;
}

export interface WorkerRequest {
  readonly id: number;
  readonly rules: RuleSource;
  readonly limits: CompareLimits;
  readonly control: CapturedResponse;
  readonly candidate: CapturedResponse;
  readonly recording: RecordingContext;
}

/** Given at spawn (workerData). */
export interface WorkerOptions {
  /** Niceness of this thread (0 keeps the proxy's priority). */
  readonly niceness: number;
}

export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly id: number; readonly recorded: RecordedComparison }
  | { readonly type: 'failed'; readonly id: number; readonly code: string };

/** Distinct rule blocks kept; past it the oldest is compiled again when next needed. */
const MAX_COMPILED = 256;

const port = parentPort;
if (port) {
  const { niceness } = workerData as WorkerOptions;
  if (niceness > 0) lowerThreadPriority(niceness);
  const compiled = new Map<string, Promise<CompareRules>>();
  const rulesFor = (source: RuleSource): Promise<CompareRules> => {
    let rules = compiled.get(source.key);
    if (!rules) {
      if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
      rules = compileCompareRules(source.config, { baseDir: source.baseDir });
      compiled.set(source.key, rules);
      // A block that does not compile is not kept: the next request reports it again.
      rules.catch(() => compiled.delete(source.key));
    }
    return rules;
  };
  const handle = async (request: WorkerRequest): Promise<void> => {
    try {
      const rules = await rulesFor(request.rules);
      // Structured clone turns Buffers into Uint8Arrays (over the sender's memory when it is shared).
      const comparison = compareResponses(asBuffer(request.control), asBuffer(request.candidate), rules, request.limits);
      const key = { id: request.recording.key.id, secret: bufferOf(request.recording.key.secret) };
      const recorded = recordComparison(comparison, { ...request.recording, key });
      port.postMessage({ type: 'result', id: request.id, recorded } satisfies WorkerReply);
    } catch (error) {
      port.postMessage({ type: 'failed', id: request.id, code: String((error as { code?: unknown }).code ?? 'UNKNOWN') } satisfies WorkerReply);
    }
  };
  // Strictly one after another, in arrival order: the pool times only the oldest outstanding
  // request of a worker, which must therefore be the one running.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    queue = queue.then(() => handle(request));
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}

function asBuffer(response: CapturedResponse): CapturedResponse {
  return { ...response, body: bufferOf(response.body) };
}

function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
