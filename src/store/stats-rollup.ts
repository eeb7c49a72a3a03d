// In-memory per-(route, minute) aggregation of exchange observations, and the counter names
// shared by the writer and the readers. Counters are named rows rather than columns so a new
// skip or fallback reason needs no migration.
import type { ExchangeObservation, Side } from '../compare/evidence.ts';
import { createHistogram, recordLatency, type Histogram } from './histogram.ts';

export const MINUTE_MS = 60_000;

export interface MinuteRollup {
  readonly route: string;
  readonly minuteMs: number;
  readonly counters: Map<string, number>;
  readonly latency: Partial<Record<Side, Histogram>>;
}

/** route + minute → rollup. */
export type RollupBuffer = Map<string, MinuteRollup>;

export const counterName = {
  served: (side: Side) => `served:${side}`,
  fallback: (reason: string) => `fallback:${reason}`,
  mirrored: (side: Side) => `mirrored:${side}`,
  compared: (verdict: string) => `compared:${verdict}`,
  status: (legacy: string, candidate: string) => `status:${legacy}:${candidate}`,
  skipped: (reason: string) => `skipped:${reason}`,
} as const;

export function minuteOf(ms: number): number {
  return ms - (((ms % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
}

/** O(1): a map lookup, a few counter increments and at most one histogram bucket. */
export function addObservation(buffer: RollupBuffer, o: ExchangeObservation, atMs: number): void {
  const minuteMs = minuteOf(atMs);
  const key = `${minuteMs}\u0000${o.route}`;
  let rollup = buffer.get(key);
  if (!rollup) {
    rollup = { route: o.route, minuteMs, counters: new Map(), latency: {} };
    buffer.set(key, rollup);
  }
  switch (o.type) {
    case 'served':
      bump(rollup, counterName.served(o.side));
      if (o.fallback) bump(rollup, counterName.fallback(o.fallback));
      recordLatency((rollup.latency[o.side] ??= createHistogram()), o.latencyMs);
      break;
    case 'mirrored':
      bump(rollup, counterName.mirrored(o.side));
      recordLatency((rollup.latency[o.side] ??= createHistogram()), o.latencyMs);
      break;
    case 'compared':
      bump(rollup, counterName.compared(o.verdict));
      bump(rollup, counterName.status(o.legacyStatus, o.newStatus));
      break;
    case 'skipped':
      bump(rollup, counterName.skipped(o.reason));
      break;
  }
}

/** Puts a rollup back (after a failed flush) by addition, so nothing is counted twice. */
export function mergeRollup(buffer: RollupBuffer, rollup: MinuteRollup): void {
  const key = `${rollup.minuteMs}\u0000${rollup.route}`;
  const into = buffer.get(key);
  if (!into) {
    buffer.set(key, rollup);
    return;
  }
  for (const [name, value] of rollup.counters) into.counters.set(name, (into.counters.get(name) ?? 0) + value);
  for (const side of ['legacy', 'new'] as const) {
    const from = rollup.latency[side];
    if (!from) continue;
    const target = (into.latency[side] ??= createHistogram());
    for (const [index, count] of from.buckets) target.buckets.set(index, (target.buckets.get(index) ?? 0) + count);
    target.count += from.count;
  }
}

function bump(rollup: MinuteRollup, name: string): void {
  rollup.counters.set(name, (rollup.counters.get(name) ?? 0) + 1);
}
