// Aggregates exchange observations in memory and flushes them to the store off the hot path.
// observe() runs on every proxied request, so it never awaits, never throws and never does I/O.
import type { Kysely } from 'kysely';
import type { ExchangeObservation } from '../compare/evidence.ts';
import type { StoreSchema } from './schema.ts';
import { addObservation, mergeRollup, type MinuteRollup, type RollupBuffer } from './stats-rollup.ts';
import { writeRollups } from './write-rollups.ts';

export interface StatsRecorderDeps {
  /** Where rollups go: the store, or (`write`) elsewhere — a proxy worker sends them to its primary. */
  readonly db?: Kysely<StoreSchema>;
  readonly write?: (rollups: readonly MinuteRollup[]) => Promise<void>;
  readonly now: () => Date;
  readonly flushIntervalMs?: number;
  /** Told once per failed flush or rejected observation; the recorder itself never throws. */
  readonly onError: (error: unknown) => void;
  /**
   * While the store is down, unflushed rollups are kept (and retried) up to this many
   * route-minutes; beyond, the oldest batch is dropped so memory stays bounded.
   */
  readonly maxPendingRollups?: number;
}

export interface StatsRecorder {
  observe(observation: ExchangeObservation): void;
  /** Adds rollups aggregated elsewhere (a proxy worker's) to the next flush, by addition. */
  absorb(rollups: readonly MinuteRollup[]): void;
  /** Writes everything observed so far; resolves once written (or failed and reported). */
  flush(): Promise<void>;
  /** Stops the timer and flushes what is left. */
  close(): Promise<void>;
  /** Route-minutes waiting for the store, and those dropped because the buffer was full. */
  buffered(): { pending: number; dropped: number };
}

export function createStatsRecorder(deps: StatsRecorderDeps): StatsRecorder {
  const { now, onError } = deps;
  const db = deps.db;
  const sink = deps.write ?? (db ? (rollups: readonly MinuteRollup[]) => writeRollups(db, rollups) : undefined);
  if (!sink) throw new TypeError('createStatsRecorder needs a db or a write function');
  const write = sink;
  const maxPending = deps.maxPendingRollups ?? 10_000;
  let pending: RollupBuffer = new Map();
  let flushing: Promise<void> = Promise.resolve();
  let closed = false;
  let dropped = 0;

  // route → the last new-service version this process saw. A comparison without a version (the
  // copy failed, or answered without the header) belongs to the version that is running.
  const latestVersion = new Map<string, string>();

  function observe(observation: ExchangeObservation): void {
    try {
      addObservation(pending, withVersion(observation), now().getTime());
    } catch (error) {
      report(error);
    }
  }

  function withVersion(observation: ExchangeObservation): ExchangeObservation {
    if (observation.type !== 'compared') return observation;
    if (observation.newVersion) {
      latestVersion.set(observation.route, observation.newVersion);
      return observation;
    }
    const version = latestVersion.get(observation.route);
    return version === undefined ? observation : { ...observation, newVersion: version };
  }

  async function writePending(): Promise<void> {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    try {
      await write([...batch.values()]);
    } catch (error) {
      report(error);
      // Keep the batch for the next flush unless the outage has gone on too long.
      if (pending.size + batch.size <= maxPending) for (const rollup of batch.values()) mergeRollup(pending, rollup);
      else dropped += batch.size;
    }
  }

  // Flushes run one after another: a slow store must not pile up concurrent transactions.
  function flush(): Promise<void> {
    flushing = flushing.then(writePending, writePending);
    return flushing;
  }

  function report(error: unknown): void {
    try {
      onError(error);
    } catch {
      // A failing error handler must not break the request path either.
    }
  }

  const timer = setInterval(() => void flush(), deps.flushIntervalMs ?? 1000);
  // The recorder must never keep a draining process alive; close() flushes explicitly.
  timer.unref();

  return {
    observe,
    absorb(rollups) {
      for (const rollup of rollups) mergeRollup(pending, rollup);
    },
    flush,
    async close() {
      if (!closed) {
        closed = true;
        clearInterval(timer);
      }
      await flush();
    },
    buffered: () => ({ pending: pending.size, dropped }),
  };
}
