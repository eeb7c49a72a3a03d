// Batches difference records found by the compare queue and writes them off the hot path, one
// transaction a second. Bounded: while the store is slow or down, about `maxPending` rows wait (at
// most 10% more between trims); past that the oldest rows are dropped, and every dropped row is reported (by route) through
// `onDropped`, so /metrics and the route's evidence show what the store never saw. Never throws
// into the caller.
import type { Kysely } from 'kysely';
import type { DifferenceRecord } from '../compare/types.ts';
import { recordDifferences, type DifferenceObservation } from './differences.ts';
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
}

export const DEFAULT_MAX_PENDING_DIFFERENCES = 50_000;

export function createDifferenceWriter(deps: DifferenceWriterDeps): DifferenceWriter {
  const maxPending = deps.maxPending ?? DEFAULT_MAX_PENDING_DIFFERENCES;
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
      const batch = pending;
      pending = [];
      try {
        await recordDifferences(deps.db, batch);
      } catch (error) {
        deps.onError(error);
        pending = bound([...batch, ...pending]);
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
