// What the proxy keeps of a comparison: its verdict, why it was uncomparable, how many differences
// it found, and their PHI-safe records. The differences themselves (values from both bodies) stay
// where the comparison ran: a worker sends back only this, so no patient value crosses back to the
// proxy's thread and the keyed HMACs of thousands of differences are not computed on its loop.
import type { UncomparableReason } from './evidence.ts';
import { toDifferenceRecords, type HmacKey } from './to-difference-records.ts';
import type { Comparison, ComparisonVerdict, DifferenceRecord, DifferenceSource } from './types.ts';

export interface RecordedComparison {
  readonly verdict: ComparisonVerdict;
  readonly reason?: UncomparableReason;
  /** Differences found (before identical records were merged). */
  readonly differenceCount: number;
  readonly records: readonly DifferenceRecord[];
}

/** Whose differences these are: the route, the kind of pair, and the key their values are HMAC'd with. */
export interface RecordingContext {
  readonly route: string;
  readonly source: DifferenceSource;
  readonly key: HmacKey;
}

const NO_RECORDS: readonly DifferenceRecord[] = Object.freeze([]);

export function recordComparison(comparison: Comparison, context: RecordingContext): RecordedComparison {
  const records = comparison.differences.length ? toDifferenceRecords(context.route, context.source, comparison.differences, context.key, comparison.format) : NO_RECORDS;
  return { verdict: comparison.verdict, ...(comparison.reason ? { reason: comparison.reason } : {}), differenceCount: comparison.differences.length, records };
}

/** A pair that could not be compared, for a reason found outside compareResponses (a worker died, its budget ran out). */
export function uncomparableRecord(reason: UncomparableReason): RecordedComparison {
  return Object.freeze({ verdict: 'uncomparable', reason, differenceCount: 0, records: NO_RECORDS });
}
