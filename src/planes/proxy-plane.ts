// The proxy plane: the edge server, the request and upgrade handlers, the upstream agents, and the
// mirror → compare pipeline behind them. Everything it needs from the rest of Ficus comes in as a
// port (flags, kill switch, breaker, evidence sinks, metrics, audit), so a later `--workers N` mode
// can run this plane in worker processes with ports that relay to the primary.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import { createComparePipeline, type ComparePipelineDeps } from '../compare/create-compare-pipeline.ts';
import { createComparisonWorkerPool } from '../compare/create-comparison-worker-pool.ts';
import type { ExchangeObservation } from '../compare/evidence.ts';
import { EDGE_DEFAULTS } from '../config/env.ts';
import type { RoutesConfig } from '../config/load-routes.ts';
import type { Settings } from '../config/settings.ts';
import type { FlagSource } from '../decision/flag-source.ts';
import type { MigrationMap } from '../discovery/create-migration-map.ts';
import { servedAsOf } from '../discovery/create-migration-map.ts';
import type { Breaker } from '../dispatch/breaker.ts';
import { createEdgeServer, type EdgeServer } from '../dispatch/edge-server.ts';
import type { FullEdgeState } from '../dispatch/edge-state.ts';
import type { ExchangeTracer } from '../dispatch/exchange-trace.ts';
import { createForwarder } from '../dispatch/forward.ts';
import { createRequestHandler } from '../dispatch/handle-request.ts';
import type { HandlerDeps } from '../dispatch/handler-deps.ts';
import { createUpgradeHandler } from '../dispatch/handle-upgrade.ts';
import { createMirror } from '../dispatch/mirror.ts';
import { createRateLimitedWarning } from '../dispatch/rate-limited-warning.ts';
import { createTrustedProxyCheck } from '../dispatch/trusted-proxies.ts';
import { closeUpstreamPool } from '../dispatch/upstream-pool.ts';
import { watchTlsFiles } from '../dispatch/watch-tls-files.ts';
import { createStickyHasher } from '../routing/sticky-key.ts';
import { statusClassOf } from '../shared/words.ts';
import { accessLogEntry } from '../telemetry/access-log.ts';
import { describeError } from '../config/describe-error.ts';
import type { EmitEvent } from './events.ts';
import type { ProxyMetrics } from '../telemetry/proxy-metrics.ts';

/** The routes in force and everything built from them; swapped as one value on reload. */
export interface LiveConfig {
  readonly routes: RoutesConfig;
  readonly state: FullEdgeState;
}

export interface ProxyPlaneDeps {
  readonly settings: Pick<Settings, 'routesDir' | 'stickySalt' | 'trustedProxies' | 'tls' | 'accessLog' | 'warnIntervalMs' | 'edgeKeepAliveMs' | 'acceptAbsoluteForm'>;
  readonly log: Logger;
  readonly now: () => Date;
  readonly random: () => number;
  readonly config: LiveConfig;
  // Ports: what the plane reads and where its evidence goes.
  readonly flags: FlagSource;
  killSwitch(): boolean;
  readonly breaker: Breaker;
  observe(observation: ExchangeObservation): void;
  recordDifferences: ComparePipelineDeps['recordDifferences'];
  readonly diffKey: ComparePipelineDeps['diffKey'];
  readonly metrics: Pick<ProxyMetrics, 'exchangeEnded' | 'refused' | 'pathRefused'>;
  readonly map: Pick<MigrationMap, 'observe'>;
  /** Events (reload of TLS, refused requests, mirroring stopped…): worded and audited by events.ts. */
  readonly emit: EmitEvent;
  readonly tracer: ExchangeTracer;
}

export interface ProxyPlane {
  readonly edge: EdgeServer;
  config(): LiveConfig;
  /** Swaps in a new config; agents the new one does not reuse are retired once idle. */
  apply(next: LiveConfig): void;
  writeMirroringStopped(route: string): boolean;
  /** Resolves when every queued comparison has been recorded. */
  drainComparisons(): Promise<void>;
  /** Stops watching TLS files (before the servers close). */
  stopWatching(): void;
  /** Closes the upstream agents (after the servers closed). */
  closeUpstreams(): void;
  closeComparisons(): Promise<void>;
}

export function startProxyPlane(deps: ProxyPlaneDeps): ProxyPlane {
  const { settings, log, now, emit } = deps;
  let live = deps.config;
  const state = () => live.state;

  // One core serves requests; comparisons of large or compressed bodies get the others (one at least).
  const comparisonPool = createComparisonWorkerPool({
    size: Math.max(1, Math.min(4, availableParallelism() - 1)),
    onEvent: (event) => emit(event.type === 'pool-failed' ? { type: 'comparison-pool-failed', code: event.code } : { type: 'comparison-worker-replaced', reason: event.reason }),
  });
  const queue = createComparePipeline({
    pool: comparisonPool,
    baseDir: settings.routesDir,
    rulesFor: (routeId) => state().rules.get(routeId),
    observe: deps.observe,
    recordDifferences: deps.recordDifferences,
    statusClassOf,
    diffKey: deps.diffKey,
    now,
  });
  const mirror = createMirror({
    state,
    random: deps.random,
    observe: deps.observe,
    queue,
    onRouteEvent: (event) => emit({ type: 'write-mirroring-stopped', route: event.route, reason: String(event.details['reason']), status: Number(event.details['status']) }),
  });

  const forwarder = createForwarder();
  // Refused requests: every one counted in /metrics, at most one log line per kind per interval.
  const warnEvery = { now: () => now().getTime(), intervalMs: settings.warnIntervalMs ?? EDGE_DEFAULTS.warnIntervalMs };
  const warnRefused = createRateLimitedWarning({ ...warnEvery, write: (reason, suppressed) => emit({ type: 'request-refused', reason, suppressed }) });
  const warnClientError = createRateLimitedWarning({ ...warnEvery, write: (code, suppressed) => emit({ type: 'client-error', code, suppressed }) });
  const handlerDeps: HandlerDeps = {
    state,
    flags: deps.flags,
    killSwitch: deps.killSwitch,
    hashStickyKey: createStickyHasher(settings.stickySalt),
    forwarder,
    isTrustedProxy: createTrustedProxyCheck(settings.trustedProxies),
    protocol: settings.tls ? 'https' : 'http',
    newRequestId: () => randomUUID(),
    observe: deps.observe,
    onExchangeEnd: (summary, rawTarget) => {
      deps.metrics.exchangeEnded(summary);
      if (settings.accessLog) log.info(accessLogEntry(summary));
      deps.map.observe({ method: summary.method, rawPath: rawTarget, servedAs: servedAsOf(summary), failed: summary.status >= 500 || summary.failure !== undefined, latencyMs: summary.totalMs });
    },
    tracer: deps.tracer,
    mirror,
    dropRequestHeaders: new Set(['baggage']),
    breaker: deps.breaker,
    onPathRefused: (refusal) => deps.metrics.pathRefused(refusal.route.id, refusal.reason),
    screen: { acceptAbsoluteForm: settings.acceptAbsoluteForm ?? false },
    onRefused: (reason) => {
      deps.metrics.refused(reason);
      warnRefused(reason);
    },
  };
  const edge = createEdgeServer({
    handleRequest: createRequestHandler(handlerDeps),
    handleUpgrade: createUpgradeHandler(handlerDeps),
    onClientError: (code) => {
      deps.metrics.refused(code);
      warnClientError(code);
    },
    keepAliveTimeoutMs: settings.edgeKeepAliveMs ?? EDGE_DEFAULTS.edgeKeepAliveMs,
    tls: settings.tls ? { cert: readFileSync(settings.tls.certFile), key: readFileSync(settings.tls.keyFile) } : undefined,
  });
  // Inbound TLS: a renewed certificate is served to new connections without a restart.
  const tlsWatchers = settings.tls ? watchTlsFiles(settings.tls, (tls) => edge.updateTls(tls), { reloaded: () => emit({ type: 'tls-reloaded' }), failed: (error) => emit({ type: 'tls-reload-failed', error: describeError(error) }) }) : [];

  return {
    edge,
    config: () => live,
    apply(next) {
      const previous = live;
      live = next;
      closeUpstreamPool(previous.state.upstreams, next.state.upstreams);
    },
    writeMirroringStopped: (route) => mirror.writeMirroringStopped().has(route),
    drainComparisons: () => queue.drain(),
    stopWatching() {
      for (const w of tlsWatchers) w.close();
    },
    closeUpstreams() {
      forwarder.close();
      closeUpstreamPool(live.state.upstreams);
    },
    closeComparisons: () => comparisonPool.close(),
  };
}
