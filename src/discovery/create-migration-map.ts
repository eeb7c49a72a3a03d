// The migration map: what of the monolith is still unmigrated. Every request Ficus answers is
// counted under its mode, or — unmatched — under its method and PHI-safe path template
// (path-template.ts), with volume, errors and a latency histogram, so the CTO sees which endpoints
// carry the traffic and which route to write next.
//
// Counted in memory on the request path (never awaits, never throws), written to the store in
// batches like the stats rollups, read back per window from the store: the map survives restarts
// and sums every replica's traffic. Bounded twice: distinct templates per 5-minute bucket when
// counted (map-buffer.ts), and per window when read; beyond either, requests count as "other".
import type { Kysely } from 'kysely';
import { writeMapTraffic, type MapTrafficRow } from '../store/map-traffic.ts';
import type { StoreSchema } from '../store/schema.ts';
import { BUILT_IN_VOCABULARY } from './classify-path-segment.ts';
import { createMapBuffer, MAP_BUCKET_MS, type ServedAs } from './map-buffer.ts';
import { methodOf, templateOf } from './path-template.ts';
import { readMigrationMap, type MigrationMapSnapshot } from './read-migration-map.ts';

export type { ServedAs } from './map-buffer.ts';
export type { MapEntry, MigrationMapSnapshot } from './read-migration-map.ts';
export { routeWordsOf } from './path-template.ts';

/** Distinct templates per bucket (counting) and per window (reading). */
export const MAX_MAP_TEMPLATES = 2_000;

export interface MigrationMapDeps {
  /** The store the map is written to and read from. A proxy worker (`--workers`) has none: `write` sends its rows to the primary. */
  readonly db?: Kysely<StoreSchema>;
  readonly write?: (rows: readonly MapTrafficRow[]) => Promise<void>;
  readonly now: () => Date;
  readonly routeWords?: readonly string[];
  readonly maxTemplates?: number;
  readonly flushIntervalMs?: number;
  /** Told once per failed flush; the map itself never throws into a request. */
  readonly onError: (error: unknown) => void;
  /** Cells kept for the store while it is down; beyond, the oldest batch is dropped and counted. */
  readonly maxPendingCells?: number;
}

export interface MapObservation {
  readonly method: string;
  readonly rawPath: string;
  readonly servedAs: ServedAs;
  readonly failed: boolean;
  readonly latencyMs: number;
}

export interface MigrationMap {
  observe(request: MapObservation): void;
  /** Adds rows counted elsewhere (a proxy worker's) to the next write, by addition. */
  absorb(rows: readonly MapTrafficRow[]): void;
  /** The map over the last `windowMs`, every replica's traffic included (flushes ours first). */
  snapshot(query: { readonly windowMs: number; readonly limit?: number }): Promise<MigrationMapSnapshot>;
  /** The route files' words after a reload: shown from then on, in every window. */
  setRouteWords(words: readonly string[]): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Cells waiting for the store, and requests lost because the store was away too long. */
  buffered(): { pending: number; droppedRequests: number };
}

export function createMigrationMap(deps: MigrationMapDeps): MigrationMap {
  const maxTemplates = deps.maxTemplates ?? MAX_MAP_TEMPLATES;
  const maxPending = deps.maxPendingCells ?? 50_000;
  let vocabulary = new Set([...BUILT_IN_VOCABULARY, ...(deps.routeWords ?? [])]);
  const buffer = createMapBuffer(maxTemplates);
  let flushing: Promise<void> = Promise.resolve();
  let droppedRequests = 0;
  const db = deps.db;
  const sink = deps.write ?? (db ? (rows: readonly MapTrafficRow[]) => writeMapTraffic(db, rows) : undefined);
  if (!sink) throw new TypeError('createMigrationMap needs a db or a write function');
  const write = sink;

  const report = (error: unknown) => {
    try {
      deps.onError(error);
    } catch {
      // a failing error handler must not break the request path either
    }
  };

  async function writePending(): Promise<void> {
    const rows = buffer.take();
    if (rows.length === 0) return;
    try {
      await write(rows);
    } catch (error) {
      report(error);
      // Keep the batch for the next flush unless the outage has gone on too long.
      if (buffer.size() + rows.length <= maxPending) buffer.restore(rows);
      else droppedRequests += rows.reduce((sum, r) => sum + r.requests, 0);
    }
  }

  // Flushes run one after another: a slow store must not pile up concurrent transactions.
  const flush = (): Promise<void> => (flushing = flushing.then(writePending, writePending));
  const timer = setInterval(() => void flush(), deps.flushIntervalMs ?? 5_000);
  timer.unref();

  return {
    observe({ method, rawPath, servedAs, failed, latencyMs }) {
      try {
        const nowMs = deps.now().getTime();
        const bucketMs = nowMs - (((nowMs % MAP_BUCKET_MS) + MAP_BUCKET_MS) % MAP_BUCKET_MS);
        const unmatched = servedAs === 'unmatched';
        buffer.add({ bucketMs, servedAs, method: unmatched ? methodOf(method) : '', template: unmatched ? templateOf(rawPath, vocabulary) : '' }, failed, latencyMs);
      } catch (error) {
        report(error);
      }
    },
    absorb(rows) {
      buffer.restore(rows);
    },
    async snapshot({ windowMs, limit = 50 }) {
      if (!db) throw new TypeError('this migration map only counts (a proxy worker\'s): read it where the store is');
      await flush();
      return readMigrationMap(db, { nowMs: deps.now().getTime(), windowMs, limit, maxTemplates, vocabulary });
    },
    setRouteWords(words) {
      vocabulary = new Set([...BUILT_IN_VOCABULARY, ...words]);
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
    buffered: () => ({ pending: buffer.size(), droppedRequests }),
  };
}

/** How the map counts an exchange: by the mode its route was in, or unmatched. */
export function servedAsOf(summary: { readonly route?: unknown; readonly decision?: { readonly mode: string } }): ServedAs {
  if (!summary.route || !summary.decision) return 'unmatched';
  const mode = summary.decision.mode;
  return mode === 'new' || mode === 'shadow' || mode === 'canary' ? mode : 'legacy-route';
}
