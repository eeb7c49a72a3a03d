// In-memory per-(route, minute) aggregation of exchange observations, and the counter names
// shared by the writer and the readers. Counters are named rows rather than columns so a new
// skip or fallback reason needs no migration. Comparison counters are kept per new-service
// version, and mismatches by the set of difference signatures they carried (a bounded number of
// sets per route, minute and version; the rest counted as overflow, which no acceptance re-scores).
import { createHash } from 'node:crypto';
import type { ExchangeObservation } from '../compare/evidence.ts';
import type { Side } from '../shared/words.ts';
import { createHistogram, recordLatency, type Histogram } from './histogram.ts';

export const MINUTE_MS = 60_000;
/** Distinct mismatch sets kept per route, minute and version. */
export const MAX_SIGNATURE_SETS = 64;
/** A comparison with more distinct signatures than this is counted as overflow. */
export const MAX_SIGNATURES_PER_SET = 32;
export const OVERFLOW_SET = 'overflow';

export interface MinuteRollup {
  readonly route: string;
  readonly minuteMs: number;
  readonly counters: Map<string, number>;
  readonly latency: Partial<Record<Side, Histogram>>;
  /** version ('' when unknown) → comparison counter name → value. */
  readonly comparisons: Map<string, Map<string, number>>;
  /** mismatch-set id → its sorted signatures. */
  readonly signatureSets: Map<string, readonly string[]>;
}

/** route + minute → rollup. */
export type RollupBuffer = Map<string, MinuteRollup>;

export const counterName = {
  served: (side: Side) => `served:${side}`,
  /** Served requests whose upstream failed (5xx, timeout, error): the autopilot's error-rate gate. */
  servedFailed: (side: Side) => `served-failed:${side}`,
  fallback: (reason: string) => `fallback:${reason}`,
  mirrored: (side: Side) => `mirrored:${side}`,
  compared: (verdict: string) => `compared:${verdict}`,
  mismatchSet: (setId: string) => `mismatch-set:${setId}`,
  status: (legacy: string, candidate: string) => `status:${legacy}:${candidate}`,
  skipped: (reason: string) => `skipped:${reason}`,
  uncomparable: (reason: string) => `uncomparable:${reason}`,
  dropped: (what: string) => `dropped:${what}`,
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
    rollup = { route: o.route, minuteMs, counters: new Map(), latency: {}, comparisons: new Map(), signatureSets: new Map() };
    buffer.set(key, rollup);
  }
  switch (o.type) {
    case 'served':
      bump(rollup, counterName.served(o.side));
      if (o.status === '5xx' || o.status === 'timeout' || o.status === 'error') bump(rollup, counterName.servedFailed(o.side));
      if (o.fallback) bump(rollup, counterName.fallback(o.fallback));
      recordLatency((rollup.latency[o.side] ??= createHistogram()), o.latencyMs);
      break;
    case 'mirrored':
      bump(rollup, counterName.mirrored(o.side));
      recordLatency((rollup.latency[o.side] ??= createHistogram()), o.latencyMs);
      break;
    case 'compared': {
      const counters = comparisonCounters(rollup, o.newVersion ?? '');
      add(counters, counterName.compared(o.verdict), 1);
      add(counters, counterName.status(o.legacyStatus, o.newStatus), 1);
      if (o.verdict === 'mismatch') add(counters, counterName.mismatchSet(mismatchSetOf(rollup, counters, o.signatures ?? [])), 1);
      if (o.verdict === 'uncomparable' && o.reason) add(counters, counterName.uncomparable(o.reason), 1);
      break;
    }
    case 'dropped':
      add(rollup.counters, counterName.dropped(o.what), o.count);
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
  for (const [name, value] of rollup.counters) add(into.counters, name, value);
  for (const [version, counters] of rollup.comparisons) {
    const target = comparisonCounters(into, version);
    for (const [name, value] of counters) add(target, name, value);
  }
  for (const [setId, signatures] of rollup.signatureSets) into.signatureSets.set(setId, signatures);
  for (const side of ['legacy', 'new'] as const) {
    const from = rollup.latency[side];
    if (!from) continue;
    const target = (into.latency[side] ??= createHistogram());
    for (const [index, count] of from.buckets) target.buckets.set(index, (target.buckets.get(index) ?? 0) + count);
    target.count += from.count;
  }
}

/** Stable id of a signature set: the same set gets the same id in every replica and minute. */
export function signatureSetId(signatures: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(signatures)).digest('hex').slice(0, 24);
}

function mismatchSetOf(rollup: MinuteRollup, counters: Map<string, number>, signatures: readonly string[]): string {
  // No signatures (a mismatch whose differences were not recorded) cannot be re-scored either.
  if (signatures.length === 0 || signatures.length > MAX_SIGNATURES_PER_SET) return OVERFLOW_SET;
  const sorted = [...new Set(signatures)].sort();
  const setId = signatureSetId(sorted);
  if (!counters.has(counterName.mismatchSet(setId))) {
    let kept = 0;
    for (const name of counters.keys()) if (name.startsWith('mismatch-set:') && name !== counterName.mismatchSet(OVERFLOW_SET)) kept++;
    if (kept >= MAX_SIGNATURE_SETS) return OVERFLOW_SET;
  }
  rollup.signatureSets.set(setId, sorted);
  return setId;
}

function comparisonCounters(rollup: MinuteRollup, version: string): Map<string, number> {
  let counters = rollup.comparisons.get(version);
  if (!counters) rollup.comparisons.set(version, (counters = new Map()));
  return counters;
}

function bump(rollup: MinuteRollup, name: string): void {
  add(rollup.counters, name, 1);
}

function add(counters: Map<string, number>, name: string, value: number): void {
  counters.set(name, (counters.get(name) ?? 0) + value);
}
