// What the request path is given by the composition root (src/ficus.ts): plain arguments, no
// singletons. Both the request handler and the upgrade handler take the same HandlerDeps.
import type { ExchangeObservation } from '../compare/evidence.ts';
import type { FlagSource } from '../decision/flag-source.ts';
import type { CompiledRoute, PathRefusal, RouteTable } from '../routing/route-table.ts';
import type { ExchangeSummary } from './exchange-summary.ts';
import type { ExchangeTracer } from './exchange-trace.ts';
import type { Forwarder } from './forward.ts';
import type { MirrorHooks } from './mirror-hooks.ts';
import type { RefusalReason, ScreenOptions } from './request-screen.ts';
import type { UpstreamPool } from './upstream-pool.ts';

/** What the request path reads per request, swapped whole on reload (see edge-state.ts). */
export interface EdgeState {
  readonly table: RouteTable;
  readonly upstreams: UpstreamPool;
}

export interface HandlerDeps {
  state(): EdgeState;
  readonly flags: FlagSource;
  killSwitch(): boolean;
  hashStickyKey(key: string): string;
  readonly forwarder: Forwarder;
  isTrustedProxy(address: string): boolean;
  readonly protocol: 'http' | 'https';
  newRequestId(): string;
  observe(observation: ExchangeObservation): void;
  /**
   * The exchange is over. `rawTarget` is the request target as received — it may carry PHI, so it
   * is kept apart from the summary that logs and telemetry read: only the migration map takes it,
   * and it keeps nothing of it but a PHI-safe template.
   */
  onExchangeEnd?(summary: ExchangeSummary, rawTarget: string): void;
  readonly mirror?: MirrorHooks;
  /** Tracing of the exchange and its upstream calls; undefined when tracing is off. */
  readonly tracer?: ExchangeTracer;
  /** Names (lowercase) dropped from inbound requests, e.g. baggage. */
  readonly dropRequestHeaders?: ReadonlySet<string>;
  /** Per-route circuit breaker: whether new may be tried now, and outcomes to learn from. */
  readonly breaker?: { allowNew(route: CompiledRoute): boolean; record(route: CompiledRoute, ok: boolean): void };
  /** A target whose route parameter carried path structure: served by legacy untouched, counted here. */
  onPathRefused?(refusal: PathRefusal): void;
  /** What request targets are accepted (absolute-form is refused unless configured). */
  readonly screen?: ScreenOptions;
  /** A request refused before routing (400), counted and logged by the caller. */
  onRefused?(reason: RefusalReason): void;
}
