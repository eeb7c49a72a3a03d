// Chart buckets that adapt to the evidence: ten minutes of data drawn in fixed 10-minute buckets is
// two points, a day of it in 1-minute buckets is 1,440 unreadable ones. The width is the smallest
// "clock" width that keeps the span from the first observation to now within MAX_BUCKETS.
const WIDTHS_MINUTES = [1, 2, 5, 10, 15, 30, 60, 120] as const;
const MAX_BUCKETS = 60;

export function chooseBucketMinutes(spanMs: number): number {
  const spanMinutes = Math.max(1, spanMs / 60_000);
  return WIDTHS_MINUTES.find((w) => spanMinutes / w <= MAX_BUCKETS) ?? 120;
}
