// Batches difference records found by the compare queue and writes them off the hot path, one
// transaction a second. Bounded: while the store is down, at most `maxPending` rows wait (oldest
// dropped and counted). Never throws into the caller.
import type { Kysely } from 'kysely';
import type { DifferenceRecord } from '../compare/types.ts';
import { recordDifferences, type DifferenceObservation } from './differences.ts';
import type { StoreSchema } from './schema.ts';

export interface DifferenceWriter {
  add(records: readonly DifferenceRecord[], seenAt: Date, traceId?: string): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  dropped(): number;
  /** Rows waiting for the store. */
  pending(): number;
}

export function createDifferenceWriter(deps: { db: Kysely<StoreSchema>; onError: (error: unknown) => void; flushIntervalMs?: number; maxPending?: number }): DifferenceWriter {
  const maxPending = deps.maxPending ?? 50_000;
  let pending: DifferenceObservation[] = [];
  let dropped = 0;
  let flushing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    flushing = flushing.then(async () => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      try {
        await recordDifferences(deps.db, batch);
      } catch (error) {
        deps.onError(error);
        const waiting = [...batch, ...pending];
        dropped += Math.max(0, waiting.length - maxPending);
        pending = waiting.slice(-maxPending);
      }
    });
    return flushing;
  };
  const timer = setInterval(() => void flush(), deps.flushIntervalMs ?? 1_000);
  timer.unref();
  return {
    add(records, seenAt, traceId) {
      for (const record of records) pending.push({ record, count: 1, seenAt, traceId });
      if (pending.length > maxPending) {
        dropped += pending.length - maxPending;
        pending = pending.slice(-maxPending);
      }
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
