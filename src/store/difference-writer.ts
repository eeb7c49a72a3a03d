// Batches difference records found by the compare queue and writes them off the hot path, one
// transaction a second. Bounded: while the store is slow or down, about `maxPending` rows wait (at
// most 10% more between trims); past that the oldest rows are dropped, and every dropped row is reported (by route) through
// `onDropped`, so /metrics and the route's evidence show what the store never saw. Never throws
// into the caller. A flush writes at most `maxPerTransaction` rows of the table per transaction and
// lets the event loop run between transactions: node:sqlite is synchronous, so one transaction of
// thousands of distinct differences (two statements each) once held the proxy's loop for all of it.
import type { Kysely } from 'kysely';
import type { DifferenceRecord } from '../compare/types.ts';
import { aggregateKeyOf, recordDifferences, type DifferenceObservation } from './differences.ts';
import type { StoreSchema } from './schema.ts';

export interface DifferenceWriter {
  add(records: readonly DifferenceRecord[], seenAt: Date, traceId?: string): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Rows dropped since start, all routes. */
  dropped(): number;
  /** Rows waiting for the store. */
  pending(): number;
}

export interface DifferenceWriterDeps {
  readonly db: Kysely<StoreSchema>;
  readonly onError: (error: unknown) => void;
  /** Told of every drop, once, with the number of rows per route. */
  readonly onDropped?: (route: string, rows: number) => void;
  readonly flushIntervalMs?: number;
  readonly maxPending?: number;
  /** Distinct difference rows (aggregates) one transaction writes at most; default 32. */
  readonly maxPerTransaction?: number;
}

export const DEFAULT_MAX_PENDING_DIFFERENCES = 50_000;
const DEFAULT_MAX_PER_TRANSACTION = 32;

export function createDifferenceWriter(deps: DifferenceWriterDeps): DifferenceWriter {
  const maxPending = deps.maxPending ?? DEFAULT_MAX_PENDING_DIFFERENCES;
  const maxPerTransaction = Math.max(1, deps.maxPerTransaction ?? DEFAULT_MAX_PER_TRANSACTION);
  const slack = Math.ceil(maxPending / 10);
  let pending: DifferenceObservation[] = [];
  let dropped = 0;
  let flushing: Promise<void> = Promise.resolve();

  /** Keeps the newest `maxPending` rows of `rows`; the rest are counted as dropped, by route. */
  const bound = (rows: DifferenceObservation[]): DifferenceObservation[] => {
    if (rows.length <= maxPending) return rows;
    const excess = rows.length - maxPending;
    const byRoute = new Map<string, number>();
    for (let i = 0; i < excess; i++) byRoute.set(rows[i]!.record.route, (byRoute.get(rows[i]!.record.route) ?? 0) + 1);
    dropped += excess;
    for (const [route, count] of byRoute) report(route, count);
    return rows.slice(excess);
  };
  const report = (route: string, count: number): void => {
    try {
      deps.onDropped?.(route, count);
    } catch {
      // A failing reporter must not lose the rows still pending.
    }
  };

  const flush = (): Promise<void> => {
    flushing = flushing.then(async () => {
      if (pending.length === 0) return;
      const parts = splitByAggregate(pending, maxPerTransaction);
      pending = [];
      for (const [i, part] of parts.entries()) {
        if (i > 0) await new Promise((resolve) => setImmediate(resolve));
        try {
          await recordDifferences(deps.db, part);
        } catch (error) {
          // The parts already committed stay written; the rest waits for the next flush.
          deps.onError(error);
          pending = bound([...parts.slice(i).flat(), ...pending]);
          return;
        }
      }
    });
    return flushing;
  };
  const timer = setInterval(() => void flush(), deps.flushIntervalMs ?? 1_000);
  timer.unref();
  return {
    add(records, seenAt, traceId) {
      for (const record of records) pending.push({ record, count: 1, seenAt, traceId });
      // Trimmed in chunks, so a long outage costs one copy per `slack` rows, not one per add.
      if (pending.length > maxPending + slack) pending = bound(pending);
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
    dropped: () => dropped,
    pending: () => pending.length,
  };
}

/**
 * The rows in parts of at most `maxKeys` distinct aggregates each (all rows of one aggregate in one
 * part, so a part is written exactly once or not at all), in the order their aggregates first appear.
 */
function splitByAggregate(rows: readonly DifferenceObservation[], maxKeys: number): DifferenceObservation[][] {
  const groups = new Map<string, DifferenceObservation[]>();
  for (const row of rows) {
    const key = aggregateKeyOf(row.record);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  const parts: DifferenceObservation[][] = [];
  let part: DifferenceObservation[] = [];
  let keys = 0;
  for (const group of groups.values()) {
    if (keys === maxKeys) {
      parts.push(part);
      part = [];
      keys = 0;
    }
    for (const row of group) part.push(row);
    keys++;
  }
  if (part.length) parts.push(part);
  return parts;
}
