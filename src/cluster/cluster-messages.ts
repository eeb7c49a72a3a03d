// The words the primary and its proxy workers say to each other over the cluster IPC channel.
// The primary owns everything that must exist once (admin API, flags, reloader, autopilot, audit
// chain, store); workers own sockets and request handling. What crosses the channel is config and
// flags going down, and PHI-safe evidence going up: rollups (route ids and counters), difference
// records (templates and HMACs), metric snapshots (route labels), breaker transitions (numbers).
// Raw paths, bodies and header values never cross it.
// The channel uses `serialization: 'advanced'` (structured clone), so Maps and Buffers arrive as sent.
import type { AuditInput } from '../store/audit-log.ts';
import type { DifferenceRecord } from '../compare/types.ts';
import type { RoutesConfig } from '../config/load-routes.ts';
import type { Settings } from '../config/settings.ts';
import type { BreakerTransition } from '../dispatch/breaker.ts';
import type { FlagsSnapshot } from '../decision/snapshot-flag-source.ts';
import type { DiffKey } from '../store/diff-key.ts';
import type { MapTrafficRow } from '../store/map-traffic.ts';
import type { MinuteRollup } from '../store/stats-rollup.ts';
import type { MetricSnapshot } from '../telemetry/proxy-metrics.ts';

/** A breaker state every worker must adopt: `open` after a trip anywhere, `closed` after a restore. */
export interface BreakerCommand {
  readonly route: string;
  readonly state: 'open' | 'closed';
}

export type PrimaryMessage =
  /** First message to a new worker: what it is started with (read once, by the primary). */
  | { readonly type: 'ficus:init'; readonly slot: number; readonly settings: Settings; readonly diffKey: DiffKey; readonly logFile?: string }
  | { readonly type: 'ficus:routes'; readonly routes: RoutesConfig }
  /** `seq` numbers the snapshot; the worker answers `ficus:flags-applied` with it (flag-acks.ts). */
  | { readonly type: 'ficus:flags'; readonly flags: FlagsSnapshot; readonly seq: number }
  | { readonly type: 'ficus:breaker'; readonly command: BreakerCommand }
  /** Stop accepting, finish in-flight requests (up to drainMs), send what is buffered, exit. */
  | { readonly type: 'ficus:drain' };

export type WorkerMessage =
  /** Listening: the worker now takes connections (on the port every worker shares). */
  | { readonly type: 'ficus:ready'; readonly proxyUrl: string }
  | { readonly type: 'ficus:breaker-transition'; readonly transition: BreakerTransition }
  /** The flag snapshot `seq` is in force here: every request read from now on is decided on it. */
  | { readonly type: 'ficus:flags-applied'; readonly seq: number }
  /** Minute rollups aggregated since the last batch; merged (added) by the primary's recorder. */
  | { readonly type: 'ficus:rollups'; readonly rollups: readonly MinuteRollup[] }
  /** Migration-map rows (method, PHI-safe template, counts, histogram) counted since the last batch. */
  | { readonly type: 'ficus:map-traffic'; readonly rows: readonly MapTrafficRow[] }
  | { readonly type: 'ficus:differences'; readonly records: readonly DifferenceRecord[]; readonly seenAtMs: number; readonly traceId?: string }
  /**
   * Cumulative since the worker started (the primary keeps the last one of a worker that died), and
   * the client requests in flight now (counted as lost if the worker dies before its next report).
   */
  | { readonly type: 'ficus:metrics'; readonly snapshot: readonly MetricSnapshot[]; readonly inFlight: number }
  /** A proxy-side event the primary writes to the one audit chain (e.g. write mirroring stopped). */
  | { readonly type: 'ficus:audit'; readonly entry: Omit<AuditInput, 'at'> }
  /** Everything buffered has been sent; the worker exits next. */
  | { readonly type: 'ficus:drained' };

const WORKER_TYPES: ReadonlySet<string> = new Set(['ficus:ready', 'ficus:breaker-transition', 'ficus:flags-applied', 'ficus:rollups', 'ficus:map-traffic', 'ficus:differences', 'ficus:metrics', 'ficus:audit', 'ficus:drained']);
const PRIMARY_TYPES: ReadonlySet<string> = new Set(['ficus:init', 'ficus:routes', 'ficus:flags', 'ficus:breaker', 'ficus:drain']);

/** Cluster's own internal messages share the channel; only ours are dispatched. */
export function isWorkerMessage(message: unknown): message is WorkerMessage {
  return typeof message === 'object' && message !== null && WORKER_TYPES.has((message as { type?: unknown }).type as string);
}

export function isPrimaryMessage(message: unknown): message is PrimaryMessage {
  return typeof message === 'object' && message !== null && PRIMARY_TYPES.has((message as { type?: unknown }).type as string);
}
