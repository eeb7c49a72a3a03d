// Reads one route's evidence over a window by summing every replica's minute rollups. Traffic
// (served, fallbacks, skips, latency) is the route's; comparisons are those of one new-service
// version — by default the current one — and mismatches are re-scored against today's acceptances.
import type { Kysely } from 'kysely';
import { parseDifferenceSignature } from '../compare/difference-signature.ts';
import type { DropKind, EvidenceDifference, LatencySummary, RouteEvidence, SkipReason, UncomparableReason } from '../compare/evidence.ts';
import type { FallbackReason, Side, StatusClass } from '../shared/words.ts';
import { listAcceptedSignatures } from './accepted-differences.ts';
import { createHistogram, mergeHistogram, parseHistogram, percentile, type Histogram } from './histogram.ts';
import type { StoreSchema } from './schema.ts';
import { listServiceVersions } from './service-versions.ts';
import { minuteOf, OVERFLOW_SET } from './stats-rollup.ts';

export interface EvidenceWindow {
  /** Start of the window; the minute containing it is included whole. */
  readonly since: Date;
  /** The new-service version to judge: '' for an unversioned route; default the latest seen. */
  readonly version?: string;
}

const MISMATCH_SET = 'mismatch-set:';

/**
 * `compared` counts the pairs that were actually compared (matched + mismatched); pairs that could
 * not be compared are reported apart as `uncomparable`, so they never dilute a mismatch rate.
 */
export async function readRouteEvidence(db: Kysely<StoreSchema>, route: string, window: EvidenceWindow): Promise<RouteEvidence> {
  const fromMs = minuteOf(window.since.getTime());
  const version = window.version ?? (await listServiceVersions(db, route, 1))[0]?.version ?? '';
  const [traffic, latency, comparisons, accepted] = await Promise.all([
    readTraffic(db, route, fromMs),
    readLatency(db, route, fromMs),
    db.selectFrom('ficus_stats_comparison')
      .select(['name', (eb) => eb.fn.sum<number>('value').as('total')])
      .where('route', '=', route).where('version', '=', version).where('minute_ms', '>=', fromMs)
      .groupBy('name')
      .execute(),
    listAcceptedSignatures(db, route),
  ]);

  const statusMatrix: Partial<Record<StatusClass, Partial<Record<StatusClass, number>>>> = {};
  const verdicts = { match: 0, mismatch: 0, uncomparable: 0 };
  const uncomparableReasons: Partial<Record<UncomparableReason, number>> = {};
  const setCounts = new Map<string, number>();
  for (const { name, total } of comparisons) {
    const value = Number(total);
    if (name.startsWith(MISMATCH_SET)) {
      setCounts.set(name.slice(MISMATCH_SET.length), value);
      continue;
    }
    const [kind, a, b] = name.split(':');
    if (kind === 'compared' && a && a in verdicts) verdicts[a as keyof typeof verdicts] += value;
    else if (kind === 'status' && a && b) (statusMatrix[a as StatusClass] ??= {})[b as StatusClass] = value;
    else if (kind === 'uncomparable' && a) uncomparableReasons[a as UncomparableReason] = value;
  }
  const rescored = await rescoreMismatches(db, route, setCounts, accepted);

  return {
    route,
    since: new Date(fromMs).toISOString(),
    ...traffic,
    compared: verdicts.match + verdicts.mismatch,
    matched: verdicts.match,
    mismatched: verdicts.mismatch,
    uncomparable: verdicts.uncomparable,
    uncomparableReasons,
    acceptedMismatches: rescored.acceptedMismatches,
    differences: rescored.differences,
    version,
    latency,
    statusMatrix,
  };
}

/**
 * A mismatch counts as accepted when every signature of its set is accepted today. The marker of
 * differences cut off by the cap ('truncated') never is: nobody has seen what it stands for.
 */
async function rescoreMismatches(db: Kysely<StoreSchema>, route: string, setCounts: ReadonlyMap<string, number>, acceptedSignatures: ReadonlySet<string>) {
  const accepted = new Set([...acceptedSignatures].filter((signature) => parseDifferenceSignature(signature).kind !== 'truncated'));
  const ids = [...setCounts.keys()].filter((id) => id !== OVERFLOW_SET);
  const sets = ids.length === 0 ? [] : await db.selectFrom('ficus_signature_set').select(['set_id', 'signatures'])
    .where('route', '=', route).where('set_id', 'in', ids).execute();
  let acceptedMismatches = 0;
  const bySignature = new Map<string, number>();
  for (const set of sets) {
    const count = setCounts.get(set.set_id) ?? 0;
    const signatures = JSON.parse(set.signatures) as string[];
    if (signatures.every((signature) => accepted.has(signature))) acceptedMismatches += count;
    for (const signature of signatures) bySignature.set(signature, (bySignature.get(signature) ?? 0) + count);
  }
  const differences: EvidenceDifference[] = [...bySignature]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([signature, comparisons]) => ({ ...parseDifferenceSignature(signature), comparisons, accepted: accepted.has(signature) }));
  return { acceptedMismatches, differences };
}

async function readTraffic(db: Kysely<StoreSchema>, route: string, fromMs: number) {
  const counters = await db
    .selectFrom('ficus_stats_counter')
    .select(['name', (eb) => eb.fn.sum<number>('value').as('total')])
    .where('route', '=', route).where('minute_ms', '>=', fromMs)
    .groupBy('name')
    .execute();
  const served: Record<Side, number> = { legacy: 0, new: 0 };
  const servedFailed: Record<Side, number> = { legacy: 0, new: 0 };
  const fallbacks: Partial<Record<FallbackReason, number>> = {};
  const skipped: Partial<Record<SkipReason, number>> = {};
  const dropped: Partial<Record<DropKind, number>> = {};
  for (const { name, total } of counters) {
    const value = Number(total);
    const [kind, a] = name.split(':');
    if (kind === 'served' && (a === 'legacy' || a === 'new')) served[a] += value;
    else if (kind === 'served-failed' && (a === 'legacy' || a === 'new')) servedFailed[a] += value;
    else if (kind === 'fallback' && a) fallbacks[a as FallbackReason] = value;
    else if (kind === 'skipped' && a) skipped[a as SkipReason] = value;
    else if (kind === 'dropped' && a) dropped[a as DropKind] = value;
  }
  return { served, servedFailed, fallbacks, skipped, dropped };
}

async function readLatency(db: Kysely<StoreSchema>, route: string, fromMs: number): Promise<Record<Side, LatencySummary>> {
  const rows = await db
    .selectFrom('ficus_stats_latency')
    .select(['side', 'histogram'])
    .where('route', '=', route).where('minute_ms', '>=', fromMs)
    .execute();
  const histograms: Record<Side, Histogram> = { legacy: createHistogram(), new: createHistogram() };
  for (const row of rows) {
    if (row.side === 'legacy' || row.side === 'new') mergeHistogram(histograms[row.side], parseHistogram(row.histogram));
  }
  return { legacy: summarise(histograms.legacy), new: summarise(histograms.new) };
}

export function summarise(h: Histogram): LatencySummary {
  return { count: h.count, p50: percentile(h, 0.5), p95: percentile(h, 0.95), p99: percentile(h, 0.99) };
}
