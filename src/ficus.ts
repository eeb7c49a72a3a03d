// Composition: builds a running Ficus from Settings. No environment reads here (main does that);
// tests start Ficus in-process through this function with their own settings and log sink.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { availableParallelism } from 'node:os';
import { createAdaptorServer } from '@hono/node-server';
import type { Logger } from 'pino';
import { createComparePipeline } from './compare/create-compare-pipeline.ts';
import { createComparisonWorkerPool } from './compare/create-comparison-worker-pool.ts';
import type { ExchangeObservation } from './compare/evidence.ts';
import { ConfigError } from './config/config-error.ts';
import { describeError } from './config/describe-error.ts';
import { watchDir } from './config/watch-dir.ts';
import { loadRoutes, type RoutesConfig } from './config/load-routes.ts';
import type { Settings } from './config/settings.ts';
import { createFileFlagSource } from './decision/file-flag-source.ts';
import { isKillSwitchFlagOn, type FlagSource } from './decision/flag-source.ts';
import { createEdgeServer } from './dispatch/edge-server.ts';
import { buildEdgeState, type FullEdgeState } from './dispatch/edge-state.ts';
import { createForwarder } from './dispatch/forward.ts';
import { createRequestHandler } from './dispatch/handle-request.ts';
import type { ExchangeSummary } from './dispatch/exchange-summary.ts';
import type { HandlerDeps } from './dispatch/handler-deps.ts';
import { statusClassOf } from './shared/words.ts';
import { createUpgradeHandler } from './dispatch/handle-upgrade.ts';
import { createMirror } from './dispatch/mirror.ts';
import { createBreaker, type Breaker, type BreakerTransition } from './dispatch/breaker.ts';
import { createTrustedProxyCheck } from './dispatch/trusted-proxies.ts';
import { createRateLimitedWarning } from './dispatch/rate-limited-warning.ts';
import { EDGE_DEFAULTS } from './config/env.ts';
import { closeUpstreamPool } from './dispatch/upstream-pool.ts';
import { closeServer, listen, urlOf } from './dispatch/server-lifecycle.ts';
import { watchTlsFiles } from './dispatch/watch-tls-files.ts';
import type { Auditor } from './admin/auditor.ts';
import type { TokenEntry } from './admin/auth.ts';
import { createAdminApp } from './admin/create-admin-app.ts';
import { schedulePurges } from './admin/retention.ts';
import { loadTokensFile } from './admin/tokens-file.ts';
import { createFlagWriterFor } from './decision/create-flag-writer.ts';
import { createUnleashServerSource } from './decision/unleash-server-source.ts';
import { createStickyHasher } from './routing/sticky-key.ts';
import { accessLogEntry } from './telemetry/access-log.ts';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { createOtelTracer } from './telemetry/otel-tracing.ts';
import { createTraceContextPropagator } from './telemetry/trace-context-propagator.ts';
import { createEventLoopDelayWindows } from './telemetry/event-loop-delay.ts';
import { createProxyMetrics, PROMETHEUS_CONTENT_TYPE } from './telemetry/proxy-metrics.ts';
import { createOtlpMetricsPusher } from './telemetry/otlp-metrics.ts';
import type { Store } from './store/open-store.ts';
import { renderStoreMetrics } from './store/render-store-metrics.ts';
import type { StoreHealth } from './store/store-health.ts';
import { openStorePlane } from './store-plane.ts';
import { hostname } from 'node:os';
import { createMigrationMap, routeWordsOf, servedAsOf } from './discovery/create-migration-map.ts';
import { startAutopilot } from './rollout/start-autopilot.ts';

export interface Ficus {
  readonly proxyUrl: string;
  readonly adminUrl: string;
  readonly flags: FlagSource;
  readonly store: Store;
  readonly auditor: Auditor;
  readonly breaker: Breaker;
  readonly storeHealth: StoreHealth;
  /** The admin port's app (tests walk its registered routes against /api/openapi.json). */
  readonly adminApp: { readonly routes: readonly { readonly method: string; readonly path: string }[] };
  routes(): RoutesConfig;
  /** Writes buffered statistics and differences now (tests, shutdown). */
  flush(): Promise<void>;
  /** Stop accepting, let in-flight requests finish (up to drainMs), then close everything. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly log: Logger;
  readonly now?: () => Date;
  readonly random?: () => number;
  /** Extra admin tokens (tests); the settings' operator token and tokens file are always read. */
  readonly tokens?: readonly TokenEntry[];
  /** Tests: span processors replacing the exporters settings.telemetry names (e.g. an InMemorySpanExporter). */
  readonly spanProcessors?: readonly SpanProcessor[];
  /** Server mode: how often Unleash is polled (default 15 s; tests poll faster). */
  readonly unleashRefreshIntervalMs?: number;
  /** How often the store's health is checked (default 5 s; tests check faster). */
  readonly storeCheckIntervalMs?: number;
}

export async function startFicus(settings: Settings, options: StartOptions): Promise<Ficus> {
  const { log } = options;
  const now = options.now ?? (() => new Date());
  // control plane: a bad tokens file stops the start before anything is opened
  const fileTokens = settings.adminTokensFile ? await loadTokensFile(settings.adminTokensFile) : [];
  let routes = await loadRoutes(settings.routesDir, { urlOverrides: settings.upstreamUrls });
  let state: FullEdgeState = await buildEdgeState(routes, settings.routesDir);
  for (const warning of routes.warnings) log.warn({ event: 'routes-warning' }, warning);
  let lastConfigError: string | undefined;
  let draining = false;

  // store plane: the store, its health and identity, the audit head, the evidence writers
  const storePlane = await openStorePlane({ settings, log, now, checkIntervalMs: options.storeCheckIntervalMs, observe: (o) => observe(o) });
  const { store, diffKey, auditor, stats, differences, health: storeHealth, logLimiter: storeLogLimiter, failed: storeFailed } = storePlane;
  const flagsAgeSeconds = () => {
    const at = flags.lastRefreshedAt();
    return at ? (now().getTime() - at.getTime()) / 1000 : undefined;
  };
  const eventLoopDelay = createEventLoopDelayWindows({ resolutionMs: 10 });
  const proxyMetrics = createProxyMetrics({ breakerStates: () => Object.entries(breaker.states()), flagsAgeSeconds, eventLoopDelay, killSwitchOn: () => killSwitch(), extraMetrics: () => autopilot.metrics() });
  const tracing = settings.telemetry || options.spanProcessors ? createOtelTracer({
    settings: settings.telemetry ?? { tracesExporter: 'none', metricsExporter: 'none', otlpTracesUrl: '', otlpMetricsUrl: '', otlpHeaders: {}, sampler: 'parentbased_always_on', samplerArg: 1, serviceName: 'ficus', metricExportIntervalMs: 60_000 },
    spanProcessors: options.spanProcessors,
  }) : undefined;
  const observe = (o: ExchangeObservation) => {
    stats.observe(o);
    proxyMetrics.observe(o);
  };

  const flags: FlagSource = settings.unleash
    ? await createUnleashServerSource({
        url: settings.unleash.url,
        apiToken: settings.unleash.apiToken,
        dataDir: settings.dataDir,
        flagsDirFallback: settings.flagsDir,
        refreshIntervalMs: options.unleashRefreshIntervalMs ?? settings.unleash.refreshIntervalMs ?? 15_000,
        now,
        onError: (error) => log.error({ event: 'unleash-fetch-failed', error: describeError(error) }, 'Unleash unreachable or refusing; serving the last known flags'),
      })
    : await createFileFlagSource({
        dir: settings.flagsDir,
        onReloadError: (error) => log.error({ event: 'flags-reload-failed', error: describeError(error) }, 'flag files invalid; keeping the last good flags'),
      });
  // control plane: writes through the admin API are audited in full there, not again as observed
  const flagWriter = createFlagWriterFor(settings, flags);
  flags.onChange((change) => {
    log.info({ event: 'flags-changed', revision: change.revision, flags: change.changed }, 'flags reloaded');
    if (!flagWriter.producedRevision(change.revision) && !flagWriter.ownsChange?.(change.changed)) auditor.record({ actor: 'ficus', action: 'flag-change-observed', details: { revision: change.revision, flags: change.changed, origin: change.origin }, source: change.origin === 'file' ? 'flags/' : 'unleash' });
  });
  const killSwitch = () => settings.killSwitch || isKillSwitchFlagOn(flags);

  // One core serves requests; comparisons of large or compressed bodies get the others (one at least).
  const comparisonPool = createComparisonWorkerPool({
    size: Math.max(1, Math.min(4, availableParallelism() - 1)),
    onEvent: (event) => log.warn({ event: `comparison-${event.type}`, ...event }, event.type === 'pool-failed' ? 'comparison workers cannot start; large pairs are counted uncomparable' : 'comparison worker replaced'),
  });
  const queue = createComparePipeline({
    pool: comparisonPool,
    baseDir: settings.routesDir,
    rulesFor: (routeId) => state.rules.get(routeId),
    observe,
    recordDifferences: (records, seenAt, traceId) => differences.add(records, seenAt, traceId),
    statusClassOf,
    diffKey,
    now,
  });
  const mirror = createMirror({
    state: () => state,
    random: options.random ?? Math.random,
    observe,
    queue,
    onRouteEvent: (event) => {
      log.warn({ event: event.action, route: event.route }, 'write mirroring stopped: the new service did not acknowledge the dry-run contract');
      auditor.record({ actor: 'ficus', action: event.action, route: event.route, details: event.details, source: 'proxy' });
    },
  });

  const breaker = createBreaker({
    routes: () => routes.routes,
    now: () => now().getTime(),
    random: options.random ?? Math.random,
    onTransition: (t: BreakerTransition) => {
      const { kind, route, ...numbers } = t;
      if (kind === 'trip') log.warn({ event: 'breaker-trip', route, ...numbers }, 'breaker open: route served by legacy');
      else log.info({ event: 'breaker-restore', route, ...numbers }, 'breaker closed: route back on the new service');
      auditor.record({ actor: 'ficus', action: kind === 'trip' ? 'breaker-trip' : 'breaker-restore', route, details: numbers, source: 'proxy' });
    },
  });

  const migrationMap = createMigrationMap({ routeWords: routeWordsOf(routes.routes) });
  const forwarder = createForwarder();
  // Refused requests: every one counted in /metrics, at most one log line per kind per interval.
  const warnEvery = { now: () => now().getTime(), intervalMs: settings.warnIntervalMs ?? EDGE_DEFAULTS.warnIntervalMs };
  const warnRefused = createRateLimitedWarning({ ...warnEvery, write: (reason, suppressed) => log.warn({ event: 'request-refused', reason, suppressed }, 'request refused by the proxy') });
  const warnClientError = createRateLimitedWarning({ ...warnEvery, write: (code, suppressed) => log.warn({ event: 'client-error', code, suppressed }, 'malformed request refused') });
  const handlerDeps: HandlerDeps = {
    state: () => state,
    flags,
    killSwitch,
    hashStickyKey: createStickyHasher(settings.stickySalt),
    forwarder,
    isTrustedProxy: createTrustedProxyCheck(settings.trustedProxies),
    protocol: settings.tls ? 'https' : 'http',
    newRequestId: () => randomUUID(),
    observe,
    onExchangeEnd: (summary: ExchangeSummary, rawTarget: string) => {
      proxyMetrics.exchangeEnded(summary);
      if (settings.accessLog) log.info(accessLogEntry(summary));
      migrationMap.observe({ method: summary.method, rawPath: rawTarget, servedAs: servedAsOf(summary), failed: summary.status >= 500 || summary.failure !== undefined, latencyMs: summary.totalMs });
    },
    // No exporter: trace context is still continued or originated (non-recording) so upstream traces join.
    tracer: tracing?.tracer ?? createTraceContextPropagator({ sampler: settings.telemetry?.sampler ?? 'parentbased_always_on', samplerArg: settings.telemetry?.samplerArg ?? 1 }),
    mirror,
    dropRequestHeaders: new Set(['baggage']),
    breaker,
    onPathRefused: (refusal) => proxyMetrics.pathRefused(refusal.route.id, refusal.reason),
    screen: { acceptAbsoluteForm: settings.acceptAbsoluteForm ?? false },
    onRefused: (reason) => {
      proxyMetrics.refused(reason);
      warnRefused(reason);
    },
  };
  const edge = createEdgeServer({
    handleRequest: createRequestHandler(handlerDeps),
    handleUpgrade: createUpgradeHandler(handlerDeps),
    onClientError: (code) => {
      proxyMetrics.refused(code);
      warnClientError(code);
    },
    keepAliveTimeoutMs: settings.edgeKeepAliveMs ?? EDGE_DEFAULTS.edgeKeepAliveMs,
    tls: settings.tls ? { cert: readFileSync(settings.tls.certFile), key: readFileSync(settings.tls.keyFile) } : undefined,
  });

  // Inbound TLS: a renewed certificate is served to new connections without a restart.
  const tlsWatchers = settings.tls ? watchTlsFiles(settings.tls, (tls) => edge.updateTls(tls), log) : [];

  const reloadRoutes = async () => {
    try {
      const next = await loadRoutes(settings.routesDir, { urlOverrides: settings.upstreamUrls });
      // Back to the content in force (a bad edit undone): nothing to rebuild, but the error is over.
      lastConfigError = undefined;
      if (next.hash === routes.hash) return;
      const previous = state;
      state = await buildEdgeState(next, settings.routesDir, previous.upstreams);
      closeUpstreamPool(previous.upstreams, state.upstreams);
      routes = next;
      migrationMap.setRouteWords(routeWordsOf(next.routes));
      for (const warning of next.warnings) log.warn({ event: 'routes-warning' }, warning);
      log.info({ event: 'routes-reloaded', hash: next.hash, routes: next.routes.length }, 'routes reloaded');
      auditor.record({ actor: 'ficus', action: 'config-reload', details: { hash: next.hash, files: next.files, routes: next.routes.length }, source: 'routes/' });
    } catch (error) {
      lastConfigError = error instanceof ConfigError ? error.message : describeError(error);
      log.error({ event: 'routes-reload-failed', error: lastConfigError }, 'route files invalid; keeping the last good routes');
    }
  };
  const routesWatcher = watchDir(settings.routesDir, () => void reloadRoutes());

  const telemetrySettings = settings.telemetry;
  const metricsPusher = telemetrySettings?.metricsExporter === 'otlp'
    ? createOtlpMetricsPusher({
        url: telemetrySettings.otlpMetricsUrl,
        headers: telemetrySettings.otlpHeaders,
        intervalMs: telemetrySettings.metricExportIntervalMs,
        serviceName: telemetrySettings.serviceName,
        metrics: proxyMetrics,
        onError: (error) => log.warn({ event: 'otlp-metrics-push-failed', error: describeError(error) }, 'OTLP metrics push failed; the next push carries the totals'),
      })
    : undefined;
  const purges = schedulePurges({
    db: store.db, now, policy: settings,
    onResult: (result) => log.info({ event: 'retention-purge', ...result }, 'expired audit entries, differences and statistics purged'),
    onError: storeFailed('retention-purge-failed', 'retention purge failed'),
  });
  const autopilot = startAutopilot({
    db: store.db, holder: `${hostname()}:${process.pid}`, tickMs: settings.autopilotTickMs ?? 15_000, now,
    routes: () => routes.routes, writer: flagWriter, breakerState: (route) => breaker.state(route),
    audit: (input) => auditor.append(input),
    onDecision: (route, action) => { if (action.action !== 'hold' && action.action !== 'none') log.info({ event: 'rollout-decision', route, action: action.action, reason: action.reason }, 'autopilot decision'); },
    onError: (error) => log.error({ event: 'autopilot-failed', error: describeError(error) }, 'autopilot tick failed; holding'),
  });
  const admin = createAdminApp({
    tokens: [...(options.tokens ?? []), ...fileTokens],
    operatorToken: settings.adminToken,
    metrics: { render: () => proxyMetrics.render() + renderStoreMetrics(storeHealth.snapshot(), now().getTime()), contentType: PROMETHEUS_CONTENT_TYPE },
    health: {
      draining: () => draining,
      flagsReady: () => flags.isReady(),
      flagsAgeSeconds,
      store: () => storeHealth.snapshot(),
      configError: () => lastConfigError,
    },
    errors: { reportStoreFailure: (error) => storeHealth.report(error), limiter: storeLogLimiter, log: (entry, message) => log.error(entry, message) },
    db: store.db, flags, killSwitch, now, writer: flagWriter, auditor,
    routes: () => routes.routes,
    writeMirroringStopped: (route) => mirror.writeMirroringStopped().has(route),
    breakerState: (route) => breaker.state(route),
    rollouts: autopilot.controller,
    map: migrationMap,
  });
  const adminServer = createAdaptorServer({ fetch: admin.fetch, overrideGlobalObjects: false }) as Server;

  await listen(edge.server, settings.port, settings.host);
  await listen(adminServer, settings.adminPort, settings.adminHost);
  const proxyUrl = urlOf(edge.server, settings.tls ? 'https' : 'http');
  const adminUrl = urlOf(adminServer, 'http');
  log.info({ event: 'listening', proxyUrl, adminUrl, node: process.version, routes: routes.routes.length, flagsRevision: flags.revision(), store: store.engine }, 'ficus listening');

  const flush = async () => {
    await queue.drain();
    await Promise.all([stats.flush(), differences.flush(), auditor.settled()]);
  };
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    purges.stop();
    await autopilot.stop();
    storeHealth.close();
    routesWatcher?.close();
    for (const w of tlsWatchers) w.close();
    edge.server.closeAllConnections();
    edge.closeUpgraded();
    adminServer.closeAllConnections();
    await Promise.all([closeServer(edge.server), closeServer(adminServer)]);
    forwarder.close();
    closeUpstreamPool(state.upstreams);
    await flags.close();
    await flush().catch(() => {});
    await comparisonPool.close();
    eventLoopDelay.close();
    await Promise.all([stats.close(), differences.close()]).catch(() => {});
    await tracing?.shutdown(); // flushes pending spans
    await metricsPusher?.close();
    await store.close();
  };

  return {
    proxyUrl,
    adminUrl,
    flags,
    store,
    auditor,
    breaker,
    storeHealth,
    adminApp: admin,
    routes: () => routes,
    flush,
    async drain() {
      draining = true;
      log.info({ event: 'draining', inFlight: edge.inFlight() }, 'draining: no new connections');
      const closing = closeServer(edge.server);
      edge.server.closeIdleConnections();
      const deadline = Date.now() + settings.drainMs;
      while (edge.inFlight() > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 25));
        edge.server.closeIdleConnections();
      }
      if (edge.inFlight() > 0) log.warn({ event: 'drain-deadline', inFlight: edge.inFlight() }, 'drain deadline reached; closing remaining connections');
      edge.server.closeAllConnections();
      edge.closeUpgraded();
      await closing;
      await close();
    },
    close,
  };
}

/** Kept for callers that import it from here (main). */
export { describeError };
