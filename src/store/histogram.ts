// Mergeable latency histogram, so per-minute rollups from any number of replicas add up to
// correct percentiles (averaging per-replica p99s would not).
//
// Log-linear buckets over microseconds, HdrHistogram-style: values below 32 µs get one bucket per
// µs; above, each power of two is split into 32 equal sub-buckets. A bucket's midpoint is then
// within 1/64 (≈1.6%) of any value in it (below 32 µs the error is at most 0.5 µs instead).
// Range 0 µs .. 120 s (longer is clamped: a timeout),
// at most 736 buckets; a typical minute of one route touches a few dozen.

const SUB_BUCKETS = 32;
const SUB_BITS = 5; // log2(SUB_BUCKETS)
const MAX_MICROS = 120_000_000;

/** Worst-case relative error of a reported percentile against the exact sample. */
export const HISTOGRAM_RELATIVE_ERROR = 1 / (2 * SUB_BUCKETS);

export interface Histogram {
  /** bucket index → count; a Map so recording is O(1) without allocating on the hot path. */
  readonly buckets: Map<number, number>;
  count: number;
}

export function createHistogram(): Histogram {
  return { buckets: new Map(), count: 0 };
}

/** Records one latency in milliseconds. Negative and non-finite values count as 0. */
export function recordLatency(h: Histogram, latencyMs: number, times = 1): void {
  const index = bucketIndex(latencyMs);
  h.buckets.set(index, (h.buckets.get(index) ?? 0) + times);
  h.count += times;
}

/** Adds `from` into `into` (merge is addition, so it is associative and order-free). */
export function mergeHistogram(into: Histogram, from: Histogram): Histogram {
  for (const [index, count] of from.buckets) into.buckets.set(index, (into.buckets.get(index) ?? 0) + count);
  into.count += from.count;
  return into;
}

/** Nearest-rank percentile in milliseconds, q in [0, 1]; null for an empty histogram. */
export function percentile(h: Histogram, q: number): number | null {
  if (h.count === 0) return null;
  const rank = Math.max(1, Math.ceil(Math.min(1, Math.max(0, q)) * h.count));
  let seen = 0;
  for (const index of [...h.buckets.keys()].sort((a, b) => a - b)) {
    seen += h.buckets.get(index) ?? 0;
    if (seen >= rank) return bucketMidpointMs(index);
  }
  return bucketMidpointMs(Math.max(...h.buckets.keys()));
}

/** Compact JSON: `{"612":3,"640":1}`; the count is derived from the buckets. */
export function serializeHistogram(h: Histogram): string {
  const out: Record<string, number> = {};
  for (const index of [...h.buckets.keys()].sort((a, b) => a - b)) out[index] = h.buckets.get(index) ?? 0;
  return JSON.stringify(out);
}

export function parseHistogram(json: string): Histogram {
  const h = createHistogram();
  const parsed = JSON.parse(json) as Record<string, unknown>;
  for (const [key, value] of Object.entries(parsed)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || typeof value !== 'number' || value <= 0) continue;
    h.buckets.set(index, value);
    h.count += value;
  }
  return h;
}

export function bucketIndex(latencyMs: number): number {
  const micros = Number.isFinite(latencyMs) ? Math.min(Math.max(latencyMs * 1000, 0), MAX_MICROS) : 0;
  if (micros < SUB_BUCKETS) return Math.floor(micros);
  let exponent = Math.floor(Math.log2(micros));
  // log2 of a double can land one off at exact powers of two; correct it.
  if (2 ** exponent > micros) exponent -= 1;
  else if (2 ** (exponent + 1) <= micros) exponent += 1;
  const sub = Math.min(SUB_BUCKETS - 1, Math.floor((micros / 2 ** exponent - 1) * SUB_BUCKETS));
  return SUB_BUCKETS + (exponent - SUB_BITS) * SUB_BUCKETS + sub;
}

export function bucketMidpointMs(index: number): number {
  if (index < SUB_BUCKETS) return (index + 0.5) / 1000;
  const exponent = Math.floor((index - SUB_BUCKETS) / SUB_BUCKETS) + SUB_BITS;
  const sub = (index - SUB_BUCKETS) % SUB_BUCKETS;
  const lower = 2 ** exponent * (1 + sub / SUB_BUCKETS);
  const width = 2 ** exponent / SUB_BUCKETS;
  return (lower + width / 2) / 1000;
}
