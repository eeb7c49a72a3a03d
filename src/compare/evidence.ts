// What the proxy observes per request (produced by dispatch, aggregated by the store into
// per-minute rollups) and the per-route evidence read back from those rollups (judged by
// readiness). Nothing here may carry a path, query, header value or body: route ids only.

import type { FallbackReason, Mode, Side, StatusClass } from '../shared/words.ts';

/** Why a request was not mirrored. */
export type SkipReason =
  | 'unsafe-method'
  | 'body-over-cap'
  | 'queue-full'
  | 'sampled-out'
  | 'no-ack'
  | 'budget-full'
  | 'write-mirroring-stopped'
  /** The client left before its request body was read whole, so there was nothing to copy. */
  | 'client-aborted';

export type ExchangeObservation =
  /** A client request answered: by which side, how, how fast (to upstream response headers). */
  | { readonly type: 'served'; readonly route: string; readonly mode: Mode; readonly side: Side; readonly status: StatusClass; readonly latencyMs: number; readonly fallback?: FallbackReason }
  /** A copy sent by Ficus (shadow, reverse mirror, noise probe): the side it went to and its outcome. */
  | { readonly type: 'mirrored'; readonly route: string; readonly side: Side; readonly status: StatusClass; readonly latencyMs: number }
  /** A comparison finished: verdict and the status classes of control (served) and candidate. */
  | {
    readonly type: 'compared'; readonly route: string; readonly verdict: 'match' | 'mismatch' | 'uncomparable'; readonly legacyStatus: StatusClass; readonly newStatus: StatusClass;
    /** The new service's version, from the route's version header (see serviceVersionOf); absent when unknown. */
    readonly newVersion?: string;
    /** A mismatch's difference signatures (see differenceSignature), so an acceptance can re-score it later. */
    readonly signatures?: readonly string[];
    /** Why an uncomparable pair could not be compared. */
    readonly reason?: UncomparableReason;
  }
  | { readonly type: 'skipped'; readonly route: string; readonly reason: SkipReason }
  /** Evidence Ficus had to throw away (e.g. difference rows over the writer's bound while the store is slow). */
  | { readonly type: 'dropped'; readonly route: string; readonly what: DropKind; readonly count: number };

/**
 * Why a pair could not be compared. A closed set (it labels metrics): limits of the comparison
 * (compareLimits.ts), the copy's failure, a route comparator that threw, a worker that died.
 */
export type UncomparableReason =
  | 'truncated' | 'decode-failed' | 'unsupported-encoding'
  | 'decoded-too-large' | 'too-deep' | 'too-many-keys' | 'too-many-elements'
  | 'time-budget' | 'worker-crashed' | 'comparator-error' | 'copy-failed';

/** What Ficus dropped after a comparison: difference rows the writer could not keep. */
export type DropKind = 'difference-rows';

export interface LatencySummary {
  readonly count: number;
  /** Milliseconds; null when count is 0. */
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

/** Per-route evidence over a window, summed over all replicas' rollups. */
export interface RouteEvidence {
  readonly route: string;
  readonly since: string; // ISO time of the window start
  readonly served: Readonly<Record<Side, number>>;
  /** Of `served`, the requests whose upstream failed (5xx, timeout, error); absent in older readers' evidence. */
  readonly servedFailed?: Readonly<Record<Side, number>>;
  readonly fallbacks: Readonly<Partial<Record<FallbackReason, number>>>;
  readonly compared: number;
  readonly matched: number;
  readonly mismatched: number;
  readonly uncomparable: number;
  /**
   * Of `mismatched`, the comparisons whose every difference is accepted today: they count as
   * matched for readiness, whenever they were collected (acceptance re-scores the rollups).
   */
  readonly acceptedMismatches: number;
  /** The difference signatures seen in mismatches of the judged version, with their acceptance. */
  readonly differences: readonly EvidenceDifference[];
  /** The new-service version judged (the latest seen); '' when the route names no version header. */
  readonly version: string;
  /** Uncomparable pairs by reason (absent in evidence read before reasons were counted). */
  readonly uncomparableReasons?: Readonly<Partial<Record<UncomparableReason, number>>>;
  /** Evidence dropped after comparison, by kind; each drop counted once. */
  readonly dropped?: Readonly<Partial<Record<DropKind, number>>>;
  readonly skipped: Readonly<Partial<Record<SkipReason, number>>>;
  /** Latency of each side, from served and mirrored calls together. */
  readonly latency: Readonly<Record<Side, LatencySummary>>;
  /** legacy status class → new status class → count, over compared pairs. */
  readonly statusMatrix: Readonly<Partial<Record<StatusClass, Partial<Record<StatusClass, number>>>>>;
}

/** One difference signature (route + pointer template + kind) as the evidence saw it. */
export interface EvidenceDifference {
  readonly kind: string;
  readonly pointer: string;
  /** Mismatched comparisons that carried it (one comparison may carry several signatures). */
  readonly comparisons: number;
  readonly accepted: boolean;
}

export interface ReadinessPolicy {
  readonly minComparisons: number;      // default 100
  readonly maxMismatchRate: number;     // default 0.001 (Wilson 95% upper bound must be below)
  readonly latencyBudgetMs: number;     // default 50: new p99 ≤ legacy p99 + budget
  /** Fact categories (dose, allergy, …) of which no unaccepted difference may be in the evidence. */
  readonly zero?: readonly string[];
}

/**
 * `inconclusive`: nothing wrong was seen, but there is too little (comparable) evidence to say
 * ready. Never ready by default: only `ready` lets a route be promoted without force.
 */
export type ReadinessOutcome = 'ready' | 'not-ready' | 'inconclusive';

export interface Readiness {
  readonly outcome: ReadinessOutcome;
  /** outcome === 'ready'; kept for clients that only ask yes or no. */
  readonly ready: boolean;
  /** Plain-language reasons it is not ready or inconclusive (empty when ready). No data, route-level facts only. */
  readonly reasons: readonly string[];
  readonly mismatchUpperBound: number | null;
}
