// Composition: builds a running Ficus from Settings out of its planes (src/planes/): store, flags,
// telemetry, proxy, reloader, control, lifecycle. No environment reads here (main does that); tests
// start Ficus in-process through this function with their own settings and log sink.
import { loadTokensFile } from './admin/tokens-file.ts';
import type { ExchangeObservation } from './compare/evidence.ts';
import { describeError } from './config/describe-error.ts';
import type { Settings } from './config/settings.ts';
import { createMigrationMap, routeWordsOf } from './discovery/create-migration-map.ts';
import { createBreaker } from './dispatch/breaker.ts';
import { createEventSink } from './planes/events.ts';
import { startControlPlane } from './planes/control-plane.ts';
import { openFlagPlane } from './planes/flag-plane.ts';
import { startLifecycle } from './planes/lifecycle.ts';
import { startProxyPlane } from './planes/proxy-plane.ts';
import { loadInitialConfig, startReloader } from './planes/reloader.ts';
import { openStorePlane } from './planes/store-plane.ts';
import { startTelemetryPlane } from './planes/telemetry-plane.ts';
import type { Ficus, StartOptions } from './planes/ficus-handle.ts';

export type { Ficus, StartOptions };

export async function startFicus(settings: Settings, options: StartOptions): Promise<Ficus> {
  const { log } = options;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  // Bad tokens or routes stop the start before anything is opened.
  const fileTokens = settings.adminTokensFile ? await loadTokensFile(settings.adminTokensFile) : [];
  const emit = createEventSink({ log, audit: (record) => store.auditor.record(record) });
  const initial = await loadInitialConfig(settings, emit);
  const observe = (o: ExchangeObservation) => {
    store.stats.observe(o);
    telemetry.metrics.observe(o);
  };
  const store = await openStorePlane({ settings, log, emit, now, checkIntervalMs: options.storeCheckIntervalMs, observe });
  const flags = await openFlagPlane({ settings, emit, now, unleashRefreshIntervalMs: options.unleashRefreshIntervalMs });
  const telemetry = startTelemetryPlane({
    settings, emit, spanProcessors: options.spanProcessors,
    breakerStates: () => Object.entries(breaker.states()), flagsAgeSeconds: flags.ageSeconds, killSwitchOn: flags.killSwitch, extraMetrics: () => control.metrics(),
  });
  const breaker = createBreaker({ routes: () => proxy.config().routes.routes, now: () => now().getTime(), random, onTransition: (t) => emit(t.kind === 'trip' ? { type: 'breaker-trip', transition: t } : { type: 'breaker-restore', transition: t }) });
  const map = createMigrationMap({ db: store.store.db, now, routeWords: routeWordsOf(initial.routes.routes), onError: store.failed('map-flush-failed', 'migration map flush failed') });
  const proxy = startProxyPlane({
    settings, log, now, random, config: initial, flags: flags.flags, killSwitch: flags.killSwitch, breaker, observe,
    recordDifferences: (records, seenAt, traceId) => store.differences.add(records, seenAt, traceId),
    diffKey: store.diffKey, metrics: telemetry.metrics, map, emit, tracer: telemetry.tracer,
  });
  const reloader = startReloader({
    settings, emit, current: proxy.config,
    apply: (next) => {
      proxy.apply(next);
      map.setRouteWords(routeWordsOf(next.routes.routes));
    },
  });
  let draining = false;
  const control = startControlPlane({
    settings, log, emit, now, tokens: [...(options.tokens ?? []), ...fileTokens], store, flags, map, breaker,
    routes: () => proxy.config().routes.routes, writeMirroringStopped: proxy.writeMirroringStopped,
    renderMetrics: () => telemetry.metrics.render(), draining: () => draining, configError: reloader.configError,
  });
  const flush = async () => {
    await proxy.drainComparisons();
    await Promise.all([store.stats.flush(), store.differences.flush(), store.auditor.settled(), map.flush()]);
  };
  const lifecycle = await startLifecycle({
    settings, emit, edge: proxy.edge, admin: control.server,
    async stopBackground() {
      await control.stop();
      store.health.close();
      reloader.close();
      proxy.stopWatching();
    },
    async release() {
      proxy.closeUpstreams();
      await flags.flags.close();
      await flush().catch(() => {});
      await proxy.closeComparisons();
      await Promise.all([store.stats.close(), store.differences.close(), map.close()]).catch(() => {});
      await telemetry.close();
      await store.store.close();
    },
  }, { routes: initial.routes.routes.length, flagsRevision: flags.flags.revision(), store: store.store.engine }, () => (draining = true));
  return {
    proxyUrl: lifecycle.proxyUrl, adminUrl: lifecycle.adminUrl, flags: flags.flags, store: store.store, auditor: store.auditor, breaker,
    storeHealth: store.health, adminApp: control.app, routes: () => proxy.config().routes, nextReload: reloader.nextReload, onReload: reloader.onReload, flush, drain: lifecycle.drain, close: lifecycle.close,
  };
}

/** Kept for callers that import it from here (main). */
export { describeError };
