// Where a mirrored pair goes once both answers are in: a bounded compare queue, then the evidence
// (a 'compared' observation, with the reason when uncomparable), the copy's span (its verdict) and
// the PHI-safe difference records. Noise pairs (legacy asked twice) only teach ignore rules: they
// are no evidence about the new service, so they are recorded as differences with source 'noise'
// and not counted.
//
// Two lanes. Cheap pairs (decided without decoding, or small identity-encoded bodies: well under a
// millisecond) are compared inline, between I/O turns. Everything else — large or compressed
// bodies, whose decoded size nobody knows before decoding — goes to the worker pool, which bounds
// each comparison's time from outside. A compressed body is never decoded on the event loop: 30 KB
// of gzip can hold 31 MB of JSON. Either lane ends in a RecordedComparison: the worker builds the
// PHI-safe records itself, so the loop only counts, observes and stores what comes back.
import type { CompareJob } from './compare-job.ts';
import type { CompareRules } from './compile-compare-rules.ts';
import { resolveCompareLimits } from './compare-limits.ts';
import { compareResponses } from './compare-responses.ts';
import type { RuleSource } from './comparison-worker-main.ts';
import { createCompareQueue, type CompareQueue, type CompareQueueStats } from './create-compare-queue.ts';
import type { ComparisonWorkerPool } from './create-comparison-worker-pool.ts';
import { signaturesOf } from './difference-signature.ts';
import type { ExchangeObservation } from './evidence.ts';
import type { StatusClass } from '../shared/words.ts';
import { createVersionCap, serviceVersionOf } from './service-version.ts';
import { recordComparison, uncomparableRecord, type RecordedComparison, type RecordingContext } from './record-comparison.ts';
import type { HmacKey } from './to-difference-records.ts';
import type { CapturedResponse, DifferenceRecord } from './types.ts';

export interface ComparePipelineDeps {
  rulesFor(routeId: string): CompareRules | undefined;
  observe(observation: ExchangeObservation): void;
  recordDifferences(records: readonly DifferenceRecord[], seenAt: Date, traceId?: string): void;
  statusClassOf(status: number): StatusClass;
  readonly diffKey: HmacKey;
  readonly now: () => Date;
  /** Pairs waiting or being compared inline beyond which enqueue drops (default 1,000). */
  readonly capacity?: number;
  /**
   * Workers for the pairs that are not cheap. Without one, every pair is compared inline (tools
   * and unit tests only: the time budget cannot be enforced inline).
   */
  readonly pool?: ComparisonWorkerPool;
  /** Pairs waiting for or on a worker beyond which enqueue drops (default 1,000; bytes are bounded apart). */
  readonly offloadCapacity?: number;
  /**
   * Cheap pairs waiting inline beyond which new cheap pairs go to the workers too (default 64):
   * on a busy proxy the loop's slice for comparisons fills up, while a worker's core may be idle.
   */
  readonly inlineBacklog?: number;
  /** Where route comparator modules are resolved from (the routes folder). */
  readonly baseDir?: string;
  /** Largest identity-encoded body compared inline (default 32 KB). */
  readonly inlineMaxBytes?: number;
  /** Body bytes held by queued pairs (both lanes) beyond which enqueue drops (default 128 MB). */
  readonly maxPendingBytes?: number;
  /** Time one event-loop turn may spend on inline comparisons (default 2 ms). */
  readonly inlineSliceMs?: number;
}

export const DEFAULT_INLINE_MAX_BYTES = 32 * 1024;
export const DEFAULT_MAX_PENDING_BYTES = 128 * 1024 * 1024;

export function createComparePipeline(deps: ComparePipelineDeps): CompareQueue<CompareJob> {
  const inlineMaxBytes = deps.inlineMaxBytes ?? DEFAULT_INLINE_MAX_BYTES;
  const limitsOf = memoByConfig((config) => resolveCompareLimits(config?.limits));
  const sourceOf = memoByConfig((config, route): RuleSource => ({ key: `${route}\u0000${deps.baseDir ?? ''}\u0000${JSON.stringify(config)}`, config, baseDir: deps.baseDir ?? '.' }));

  // Pair counts alone do not bound memory: a thousand pairs at the 1 MB body cap hold 2 GB.
  const maxPendingBytes = deps.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
  let pendingBytes = 0;
  // Counted here, not summed from the lanes: a pair one lane refused and the other took is no drop.
  let dropped = 0;
  const bytesOf = (job: CompareJob): number => job.control.body.length + job.candidate.body.length;

  const capVersion = createVersionCap();
  const recordingOf = (job: CompareJob): RecordingContext => ({ route: job.route.id, source: job.source, key: deps.diffKey });
  const onResult = (job: CompareJob, comparison: RecordedComparison): void => {
    pendingBytes -= bytesOf(job);
    const { records } = comparison;
    if (job.source === 'shadow') {
      // The candidate of a shadow job is always the new service (reverse mirrors swap control and candidate).
      const reported = serviceVersionOf(job.candidate.headers, job.route.config.readiness.versionHeader);
      const newVersion = reported && capVersion(job.route.id, reported);
      deps.observe({
        type: 'compared', route: job.route.id, verdict: comparison.verdict, legacyStatus: deps.statusClassOf(job.control.status), newStatus: deps.statusClassOf(job.candidate.status),
        ...(newVersion ? { newVersion } : {}), ...(records.length ? { signatures: signaturesOf(records) } : {}), ...(comparison.reason ? { reason: comparison.reason } : {}),
      });
    }
    job.span?.end(job.candidate.status, { 'ficus.comparison.verdict': comparison.verdict, 'ficus.comparison.differences': comparison.differenceCount, ...(comparison.reason ? { 'ficus.comparison.reason': comparison.reason } : {}) });
    if (records.length) deps.recordDifferences(records, deps.now(), job.traceId);
  };
  // The caller (dispatch/mirror.ts enqueueComparison) counts a drop as one 'queue-full' skip.
  const onDrop = (): void => {};

  const comparatorError = uncomparableRecord('comparator-error');
  const inline = createCompareQueue<CompareJob, RecordedComparison>({
    capacity: deps.capacity ?? 1_000,
    sliceMs: deps.inlineSliceMs ?? 2,
    compare: (job) => recordComparison(compareResponses(job.control, job.candidate, deps.rulesFor(job.route.id)!, limitsOf(job.route)), recordingOf(job)),
    onResult,
    comparatorError,
    onDrop,
  });
  const pool = deps.pool;
  const offloaded = pool && createCompareQueue<CompareJob, RecordedComparison>({
    capacity: deps.offloadCapacity ?? 1_000,
    concurrency: pool.capacity,
    // Handing a pair to the pool is a postMessage: fill the workers in one turn, not one per turn.
    batchSize: pool.capacity,
    compare: (job) => pool.compare({ rules: sourceOf(job.route), limits: limitsOf(job.route), control: job.control, candidate: job.candidate, recording: recordingOf(job) }),
    onResult,
    comparatorError,
    onDrop,
  });

  const inlineBacklog = deps.inlineBacklog ?? 64;
  /** The lanes to try, in order: big pairs only ever go to the workers. */
  const lanesFor = (job: CompareJob): readonly CompareQueue<CompareJob>[] => {
    if (!offloaded) return [inline];
    if (!isCheap(job.control, job.candidate, inlineMaxBytes)) return [offloaded];
    return inline.stats().pending >= inlineBacklog ? [offloaded, inline] : [inline];
  };

  return {
    enqueue(job) {
      const bytes = bytesOf(job);
      if (pendingBytes + bytes <= maxPendingBytes) {
        for (const lane of lanesFor(job)) {
          if (lane.enqueue(job) === 'dropped') continue;
          pendingBytes += bytes;
          return 'queued';
        }
      }
      dropped++;
      return 'dropped';
    },
    drain: async () => {
      await Promise.all([inline.drain(), offloaded?.drain()]);
    },
    stats: () => {
      return { ...sumStats(inline.stats(), offloaded?.stats()), dropped };
    },
  };
}

/**
 * True when comparing the pair cannot take long: compareResponses decides it without decoding
 * (a truncated body, different statuses, the same bytes), or both bodies are small and not encoded.
 */
export function isCheap(control: CapturedResponse, candidate: CapturedResponse, inlineMaxBytes: number): boolean {
  if (control.truncated || candidate.truncated || control.status !== candidate.status) return true;
  if (control.headers['content-encoding'] === candidate.headers['content-encoding'] && control.headers['content-type'] === candidate.headers['content-type'] && control.body.equals(candidate.body)) return true;
  return isSmallAndPlain(control, inlineMaxBytes) && isSmallAndPlain(candidate, inlineMaxBytes);
}

function isSmallAndPlain(response: CapturedResponse, inlineMaxBytes: number): boolean {
  const encoding = response.headers['content-encoding']?.trim().toLowerCase();
  return response.body.length <= inlineMaxBytes && (!encoding || encoding === 'identity');
}

/** Per route config object (rebuilt on every reload), so a job costs a WeakMap lookup. */
function memoByConfig<T>(make: (config: CompareJob['route']['config']['compare'] | undefined, route: string) => T): (route: CompareJob['route']) => T {
  const memo = new WeakMap<object, T>();
  return (route) => {
    const config = route.config.compare;
    if (!config) return make(undefined, route.id);
    let value = memo.get(config);
    if (value === undefined) memo.set(config, (value = make(config, route.id)));
    return value;
  };
}

function sumStats(a: CompareQueueStats, b: CompareQueueStats | undefined): CompareQueueStats {
  if (!b) return a;
  return { pending: a.pending + b.pending, completed: a.completed + b.completed, dropped: a.dropped + b.dropped, comparatorErrors: a.comparatorErrors + b.comparatorErrors, callbackErrors: a.callbackErrors + b.callbackErrors };
}
