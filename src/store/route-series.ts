// Per-bucket time series of one route for the dashboard's charts, summed over all replicas.
import type { Kysely } from 'kysely';
import type { Side } from '../shared/words.ts';
import { createHistogram, mergeHistogram, parseHistogram, percentile, type Histogram } from './histogram.ts';
import type { StoreSchema } from './schema.ts';
import { MINUTE_MS, minuteOf } from './stats-rollup.ts';

export interface RouteSeriesPoint {
  /** ISO start of the bucket. */
  readonly minute: string;
  readonly compared: number;
  readonly matched: number;
  readonly mismatched: number;
  readonly served: Readonly<Record<Side, number>>;
  /** Milliseconds; null when that side had no calls in the bucket. */
  readonly p99: Readonly<Record<Side, number | null>>;
}

export interface RouteSeriesQuery {
  readonly since: Date;
  /** Bucket width in minutes (1 = raw rollups); buckets are aligned to the epoch. */
  readonly bucketMinutes: number;
}

interface Bucket {
  matched: number;
  mismatched: number;
  served: Record<Side, number>;
  latency: Record<Side, Histogram>;
}

/** Buckets with data only, oldest first: a chart draws gaps where nothing was observed. */
export async function readRouteSeries(db: Kysely<StoreSchema>, route: string, query: RouteSeriesQuery): Promise<RouteSeriesPoint[]> {
  const width = Math.max(1, Math.floor(query.bucketMinutes)) * MINUTE_MS;
  const fromMs = minuteOf(query.since.getTime());
  // Comparisons of every version: the chart keeps the history a new version's readiness starts over from.
  const counters = [
    ...(await db
      .selectFrom('ficus_stats_counter')
      .select(['minute_ms', 'name', 'value'])
      .where('route', '=', route).where('minute_ms', '>=', fromMs)
      .where('name', 'in', ['served:legacy', 'served:new'])
      .execute()),
    ...(await db
      .selectFrom('ficus_stats_comparison')
      .select(['minute_ms', 'name', 'value'])
      .where('route', '=', route).where('minute_ms', '>=', fromMs)
      .where('name', 'in', ['compared:match', 'compared:mismatch'])
      .execute()),
  ];
  const latencyRows = await db
    .selectFrom('ficus_stats_latency')
    .select(['minute_ms', 'side', 'histogram'])
    .where('route', '=', route).where('minute_ms', '>=', fromMs)
    .execute();

  const buckets = new Map<number, Bucket>();
  const bucketAt = (minuteMs: number): Bucket => {
    const start = Number(minuteMs) - (Number(minuteMs) % width);
    let b = buckets.get(start);
    if (!b) {
      b = { matched: 0, mismatched: 0, served: { legacy: 0, new: 0 }, latency: { legacy: createHistogram(), new: createHistogram() } };
      buckets.set(start, b);
    }
    return b;
  };
  for (const row of counters) {
    const b = bucketAt(row.minute_ms);
    const value = Number(row.value);
    if (row.name === 'compared:match') b.matched += value;
    else if (row.name === 'compared:mismatch') b.mismatched += value;
    else if (row.name === 'served:legacy') b.served.legacy += value;
    else if (row.name === 'served:new') b.served.new += value;
  }
  for (const row of latencyRows) {
    if (row.side === 'legacy' || row.side === 'new') mergeHistogram(bucketAt(row.minute_ms).latency[row.side], parseHistogram(row.histogram));
  }

  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, b]) => ({
      minute: new Date(start).toISOString(),
      compared: b.matched + b.mismatched,
      matched: b.matched,
      mismatched: b.mismatched,
      served: b.served,
      p99: { legacy: percentile(b.latency.legacy, 0.99), new: percentile(b.latency.new, 0.99) },
    }));
}
