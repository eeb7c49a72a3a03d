// Reads one route's evidence over a window by summing every replica's minute rollups.
import type { Kysely } from 'kysely';
import type { FallbackReason, LatencySummary, RouteEvidence, Side, SkipReason, StatusClass } from '../compare/evidence.ts';
import { createHistogram, mergeHistogram, parseHistogram, percentile, type Histogram } from './histogram.ts';
import type { StoreSchema } from './schema.ts';
import { minuteOf } from './stats-rollup.ts';

export interface EvidenceWindow {
  /** Start of the window; the minute containing it is included whole. */
  readonly since: Date;
}

/**
 * `compared` counts the pairs that were actually compared (matched + mismatched); pairs that could
 * not be compared are reported apart as `uncomparable`, so they never dilute a mismatch rate.
 */
export async function readRouteEvidence(db: Kysely<StoreSchema>, route: string, window: EvidenceWindow): Promise<RouteEvidence> {
  const fromMs = minuteOf(window.since.getTime());
  const counters = await db
    .selectFrom('ficus_stats_counter')
    .select(['name', (eb) => eb.fn.sum<number>('value').as('total')])
    .where('route', '=', route).where('minute_ms', '>=', fromMs)
    .groupBy('name')
    .execute();
  const latencyRows = await db
    .selectFrom('ficus_stats_latency')
    .select(['side', 'histogram'])
    .where('route', '=', route).where('minute_ms', '>=', fromMs)
    .execute();

  const served: Record<Side, number> = { legacy: 0, new: 0 };
  const fallbacks: Partial<Record<FallbackReason, number>> = {};
  const skipped: Partial<Record<SkipReason, number>> = {};
  const statusMatrix: Partial<Record<StatusClass, Partial<Record<StatusClass, number>>>> = {};
  const verdicts = { match: 0, mismatch: 0, uncomparable: 0 };
  for (const { name, total } of counters) {
    const value = Number(total);
    const [kind, a, b] = name.split(':');
    if (kind === 'served' && (a === 'legacy' || a === 'new')) served[a] += value;
    else if (kind === 'fallback' && a) fallbacks[a as FallbackReason] = value;
    else if (kind === 'skipped' && a) skipped[a as SkipReason] = value;
    else if (kind === 'compared' && a && a in verdicts) verdicts[a as keyof typeof verdicts] += value;
    else if (kind === 'status' && a && b) (statusMatrix[a as StatusClass] ??= {})[b as StatusClass] = value;
  }

  const histograms: Record<Side, Histogram> = { legacy: createHistogram(), new: createHistogram() };
  for (const row of latencyRows) {
    if (row.side === 'legacy' || row.side === 'new') mergeHistogram(histograms[row.side], parseHistogram(row.histogram));
  }

  return {
    route,
    since: new Date(fromMs).toISOString(),
    served,
    fallbacks,
    compared: verdicts.match + verdicts.mismatch,
    matched: verdicts.match,
    mismatched: verdicts.mismatch,
    uncomparable: verdicts.uncomparable,
    skipped,
    latency: { legacy: summarise(histograms.legacy), new: summarise(histograms.new) },
    statusMatrix,
  };
}

export function summarise(h: Histogram): LatencySummary {
  return { count: h.count, p50: percentile(h, 0.5), p95: percentile(h, 0.95), p99: percentile(h, 0.99) };
}
