// What the benchmark reads back, through the admin API only: per-route comparison counters
// (GET /api/routes) and recorded differences by pointer and kind (GET /api/differences).
import type { AdminClient } from '../../../src/cli/admin-client.ts';

export interface RouteCounters {
  readonly compared: number;
  readonly mismatched: number;
  readonly uncomparable: number;
  readonly skipped: number;
  /** Skipped copies by reason, as the route's stats give them. */
  readonly skippedBy: Readonly<Record<string, number>>;
}

/** Route → counters. */
export type CounterSnapshot = ReadonlyMap<string, RouteCounters>;

/** `pointer kind` → count, for one route. */
export type DifferenceCounts = ReadonlyMap<string, number>;

export const signatureOf = (pointer: string, kind: string): string => `${pointer} ${kind}`;

export async function readCounters(admin: AdminClient): Promise<CounterSnapshot> {
  const body = await admin.get<{ routes: { id: string; stats: { compared: number; mismatched: number; uncomparable: number; skipped: Record<string, number> } }[] }>('/api/routes');
  return new Map(body.routes.map((r) => [r.id, {
    compared: r.stats.compared,
    mismatched: r.stats.mismatched,
    uncomparable: r.stats.uncomparable,
    skipped: Object.values(r.stats.skipped).reduce((a, b) => a + b, 0),
    skippedBy: r.stats.skipped,
  }]));
}

/** Pairs whose fate is known: compared, uncomparable or skipped. */
export function settled(c: RouteCounters | undefined): number {
  return c ? c.compared + c.uncomparable + c.skipped : 0;
}

export async function readDifferences(admin: AdminClient, route: string): Promise<DifferenceCounts> {
  const body = await admin.get<{ differences: { pointer: string; kind: string; count: number }[] }>(`/api/differences?route=${encodeURIComponent(route)}&limit=1000`);
  const counts = new Map<string, number>();
  for (const d of body.differences) counts.set(signatureOf(d.pointer, d.kind), (counts.get(signatureOf(d.pointer, d.kind)) ?? 0) + d.count);
  return counts;
}

/** What was recorded between two readings of one route. */
export function differenceDelta(before: DifferenceCounts, after: DifferenceCounts): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [signature, count] of after) {
    const grown = count - (before.get(signature) ?? 0);
    if (grown > 0) delta.set(signature, grown);
  }
  return delta;
}

export function counterDelta(before: RouteCounters | undefined, after: RouteCounters | undefined): RouteCounters {
  const a = before ?? NO_COUNTERS;
  const b = after ?? NO_COUNTERS;
  const skippedBy: Record<string, number> = {};
  for (const [reason, n] of Object.entries(b.skippedBy)) if (n - (a.skippedBy[reason] ?? 0) > 0) skippedBy[reason] = n - (a.skippedBy[reason] ?? 0);
  return { compared: b.compared - a.compared, mismatched: b.mismatched - a.mismatched, uncomparable: b.uncomparable - a.uncomparable, skipped: b.skipped - a.skipped, skippedBy };
}

export const NO_COUNTERS: RouteCounters = { compared: 0, mismatched: 0, uncomparable: 0, skipped: 0, skippedBy: {} };

export function sumCounters(list: readonly RouteCounters[]): RouteCounters {
  return list.reduce((a, b) => {
    const skippedBy: Record<string, number> = { ...a.skippedBy };
    for (const [reason, n] of Object.entries(b.skippedBy)) skippedBy[reason] = (skippedBy[reason] ?? 0) + n;
    return { compared: a.compared + b.compared, mismatched: a.mismatched + b.mismatched, uncomparable: a.uncomparable + b.uncomparable, skipped: a.skipped + b.skipped, skippedBy };
  }, NO_COUNTERS);
}
