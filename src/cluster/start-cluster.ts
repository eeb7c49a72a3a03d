// `ficus start --workers N` (N > 1): this process is the primary. It runs everything that must
// exist once — the store (one audit chain, one stats writer), the flag source and its writer, the
// routes reloader, the admin API and dashboard, the autopilot — and forks N proxy workers sharing
// the listening port (Node cluster: the primary accepts and hands connections round-robin). It
// relays: routes and flags down to every worker, breaker trips across workers (audited once),
// evidence and metrics up into one store and one /metrics page of merged totals.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { loadTokensFile } from '../admin/tokens-file.ts';
import type { TokenEntry } from '../admin/auth.ts';
import type { Auditor } from '../admin/auditor.ts';
import { describeError } from '../config/describe-error.ts';
import type { Settings } from '../config/settings.ts';
import { snapshotOf } from '../decision/snapshot-flag-source.ts';
import type { FlagSource } from '../decision/flag-source.ts';
import { createMigrationMap, routeWordsOf } from '../discovery/create-migration-map.ts';
import { closeServer, listen, urlOf } from '../dispatch/server-lifecycle.ts';
import { closeUpstreamPool } from '../dispatch/upstream-pool.ts';
import { createEventSink } from '../planes/events.ts';
import { startControlPlane } from '../planes/control-plane.ts';
import { openFlagPlane } from '../planes/flag-plane.ts';
import type { LiveConfig } from '../planes/proxy-plane.ts';
import { loadInitialConfig, startReloader } from '../planes/reloader.ts';
import { openStorePlane } from '../planes/store-plane.ts';
import { startTelemetryPlane } from '../planes/telemetry-plane.ts';
import type { Store } from '../store/open-store.ts';
import { createOtlpMetricsPusher } from '../telemetry/otlp-metrics.ts';
import { renderMetricSnapshots } from '../telemetry/render-metric-snapshots.ts';
import { createClusterBreaker, type ClusterBreaker } from './cluster-breaker.ts';
import { confirmFlagWrites } from './confirm-flag-writes.ts';
import { createFlagAcks } from './flag-acks.ts';
import { createInFlightLedger } from './in-flight-ledger.ts';
import type { PrimaryMessage, WorkerMessage } from './cluster-messages.ts';
import { createMetricsMerger } from './merge-metric-snapshots.ts';
import { superviseWorkers, type SupervisorEvent, type WorkerInfo } from './supervise-workers.ts';
import { workerMetrics } from './worker-metrics.ts';

export interface FicusCluster {
  readonly proxyUrl: string;
  readonly adminUrl: string;
  readonly flags: FlagSource;
  readonly store: Store;
  readonly auditor: Auditor;
  readonly breaker: ClusterBreaker;
  workers(): readonly WorkerInfo[];
  /** Workers re-forked after an unexpected exit. */
  restarts(): number;
  /** Writes what the primary holds (statistics, differences, audit) now; workers send theirs each second. */
  flush(): Promise<void>;
  /** Every worker drains (in parallel, up to drainMs), then the primary closes. */
  drain(): Promise<void>;
  /**
   * Resolves when every slot has been given up (its worker kept dying): nothing will serve the proxy
   * port again. The caller should drain and exit non-zero, so a supervisor restarts the instance.
   */
  readonly workersLost: Promise<void>;
}

export interface ClusterOptions {
  readonly log: Logger;
  readonly now?: () => Date;
  readonly tokens?: readonly TokenEntry[];
  /** Where workers write their log lines (the demo's log file); stdout by default. */
  readonly workerLogFile?: string;
  readonly storeCheckIntervalMs?: number;
  readonly unleashRefreshIntervalMs?: number;
  /** How long a flag write waits for every serving worker to acknowledge it (default 2 s). */
  readonly flagAckTimeoutMs?: number;
}

/** The worker entry beside this module, in the same flavour (.ts from source, .js when built). */
const WORKER_ENTRY = fileURLToPath(new URL(`./worker-main${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

export async function startFicusCluster(settings: Settings, options: ClusterOptions): Promise<FicusCluster> {
  const { log } = options;
  const now = options.now ?? (() => new Date());
  const count = settings.workers ?? 1;
  const fileTokens = settings.adminTokensFile ? await loadTokensFile(settings.adminTokensFile) : [];
  const emit = createEventSink({ log, audit: (record) => store.auditor.record(record) });
  let live: LiveConfig = await loadInitialConfig(settings, emit);
  // The difference writer's drops go to the store's rollups and to ficus_evidence_dropped_total{route},
  // as in one process (ficus.ts); workers count their own observations, the primary only these.
  const store = await openStorePlane({
    settings, log, emit, now, checkIntervalMs: options.storeCheckIntervalMs,
    observe: (o) => {
      store.stats.observe(o);
      telemetry.metrics.observe(o);
    },
  });
  const flags = await openFlagPlane({ settings, emit, now, unleashRefreshIntervalMs: options.unleashRefreshIntervalMs });
  const breaker = createClusterBreaker({ routes: () => live.routes.routes });
  const merger = createMetricsMerger();
  const inFlight = createInFlightLedger();
  const flagAcks = createFlagAcks();
  let flagAckTimeouts = 0;
  const abandoned = new Set<number>();
  let workersLost!: () => void;
  const lost = new Promise<void>((resolve) => (workersLost = resolve));
  /** Routes whose write mirroring a worker stopped (the dry-run contract was not acknowledged). */
  const mirroringStopped = new Set<string>();
  const onMessage = (message: WorkerMessage, worker: WorkerInfo) => {
    switch (message.type) {
      case 'ficus:breaker-transition': {
        const command = breaker.onTransition(message.transition);
        if (!command) return;
        const t = message.transition;
        emit(t.kind === 'trip' ? { type: 'breaker-trip', transition: t } : { type: 'breaker-restore', transition: t });
        supervisor.broadcast({ type: 'ficus:breaker', command }, worker.id);
        return;
      }
      case 'ficus:flags-applied':
        return flagAcks.acknowledged(worker.id, message.seq);
      case 'ficus:rollups':
        return store.stats.absorb(message.rollups);
      case 'ficus:map-traffic':
        return map.absorb(message.rows);
      case 'ficus:differences':
        return store.differences.add(message.records, new Date(message.seenAtMs), message.traceId);
      case 'ficus:metrics':
        inFlight.report(worker.id, message.inFlight);
        return merger.update(worker.id, message.snapshot);
      case 'ficus:audit':
        if (message.entry.action === 'write-mirroring-stopped' && message.entry.route) mirroringStopped.add(message.entry.route);
        return store.auditor.record(message.entry);
      case 'ficus:ready':
      case 'ficus:drained':
        return;
    }
  };
  const onEvent = (event: SupervisorEvent) => {
    if (event.type === 'worker-ready') log.info({ event: 'worker-ready', slot: event.worker.slot, pid: event.worker.pid }, 'proxy worker ready');
    else if (event.type === 'worker-exited') {
      merger.retire(event.worker.id);
      flagAcks.forget(event.worker.id);
      const inFlightAtLastReport = inFlight.lost(event.worker.id);
      log.error({ event: 'worker-exited', slot: event.worker.slot, pid: event.worker.pid, code: event.code, signal: event.signal, restarting: event.restarting, inFlightAtLastReport }, 'proxy worker exited unexpectedly; requests it was serving are cut');
    } else {
      log.error({ event: 'worker-slot-abandoned', slot: event.slot, restarts: event.restartsInWindow }, 'proxy worker keeps dying: not forked again; the others keep serving');
      abandoned.add(event.slot);
      if (abandoned.size === count) {
        log.fatal({ event: 'workers-lost', workers: count }, 'every proxy worker slot was given up: nothing serves the proxy port; stopping');
        workersLost();
      }
    }
  };
  const welcome = (slot: number): PrimaryMessage[] => [
    { type: 'ficus:init', slot, settings, diffKey: store.diffKey, ...(options.workerLogFile ? { logFile: options.workerLogFile } : {}) },
    { type: 'ficus:flags', flags: snapshotOf(flags.flags), seq: flagAcks.current() },
    { type: 'ficus:routes', routes: live.routes },
    ...breaker.commands().map((command) => ({ type: 'ficus:breaker' as const, command })),
  ];
  let proxyUrl = '';
  const supervisor = superviseWorkers({
    count, exec: WORKER_ENTRY, welcome, onEvent, now: () => now().getTime(),
    onMessage: (message, worker) => {
      if (message.type === 'ficus:ready') proxyUrl ||= message.proxyUrl;
      onMessage(message, worker);
    },
  });

  // The primary serves no requests: no tracing here (each worker exports its own spans), and the
  // OTLP push, when configured, carries the merged totals (pushed below, not by the plane).
  const telemetry = startTelemetryPlane({
    settings: { telemetry: undefined }, emit,
    breakerStates: () => Object.entries(breaker.states()), flagsAgeSeconds: flags.ageSeconds, killSwitchOn: flags.killSwitch,
    extraMetrics: () => [...control.metrics(), ...workerMetrics({ live: supervisor.workers().length, configured: count, restarts: supervisor.restarts(), inFlight: inFlight.inFlight(), lostRequests: inFlight.lostTotal(), flagAckTimeouts })],
  });
  const otlp = settings.telemetry?.metricsExporter === 'otlp' ? settings.telemetry : undefined;
  const pusher = otlp && createOtlpMetricsPusher({
    url: otlp.otlpMetricsUrl, headers: otlp.otlpHeaders, intervalMs: otlp.metricExportIntervalMs, serviceName: otlp.serviceName,
    metrics: { snapshot: () => merger.merged(telemetry.metrics.snapshot()) },
    onError: (error) => emit({ type: 'otlp-metrics-push-failed', error: describeError(error) }),
  });
  const map = createMigrationMap({ db: store.store.db, now, routeWords: routeWordsOf(live.routes.routes), onError: store.failed('map-flush-failed', 'migration map flush failed') });

  const reloader = startReloader({
    settings, emit, current: () => live,
    apply: (next) => {
      const previous = live;
      live = next;
      closeUpstreamPool(previous.state.upstreams, next.state.upstreams);
      map.setRouteWords(routeWordsOf(next.routes.routes));
      supervisor.broadcast({ type: 'ficus:routes', routes: next.routes });
    },
  });
  flags.flags.onChange(() => supervisor.broadcast({ type: 'ficus:flags', flags: snapshotOf(flags.flags), seq: flagAcks.next() }));
  // A write answers once every serving worker has the change in force (or says which had not).
  const confirmInWorkers = async () => {
    const report = await flagAcks.waitFor(flagAcks.current(), supervisor.servingWorkers(), options.flagAckTimeoutMs ?? 2_000);
    if (!report.inForce) {
      flagAckTimeouts++;
      log.warn({ event: 'flags-not-acknowledged', flagsRevision: flags.flags.revision(), notAcknowledged: report.notAcknowledged, workers: report.workers }, 'a flag write answered before every proxy worker acknowledged it: those workers may decide on the old flags for a moment');
    }
    return report;
  };
  const flagsForControl = { ...flags, writer: confirmFlagWrites(flags.writer, confirmInWorkers) };

  let draining = false;
  const control = startControlPlane({
    settings, log, emit, now, tokens: [...(options.tokens ?? []), ...fileTokens], store, flags: flagsForControl, map, breaker,
    routes: () => live.routes.routes, writeMirroringStopped: (route) => mirroringStopped.has(route),
    renderMetrics: () => renderMetricSnapshots(merger.merged(telemetry.metrics.snapshot())),
    draining: () => draining, configError: reloader.configError,
    // With no worker listening the proxy port refuses connections: not ready, whatever else holds.
    workers: () => ({ serving: supervisor.serving(), configured: count }),
  });

  const stopPrimary = async () => {
    await control.stop();
    store.health.close();
    reloader.close();
    control.server.closeAllConnections();
    await closeServer(control.server);
    closeUpstreamPool(live.state.upstreams);
    await flags.flags.close();
    await Promise.all([store.stats.close(), store.differences.close(), map.close(), store.auditor.settled()]).catch(() => {});
    await telemetry.close();
    await pusher?.close();
    await store.store.close();
  };
  try {
    await supervisor.started;
  } catch (error) {
    await supervisor.drain(settings.drainMs);
    await stopPrimary();
    throw error;
  }
  await listen(control.server, settings.adminPort, settings.adminHost);
  const adminUrl = urlOf(control.server, 'http');
  log.info({ event: 'listening', proxyUrl, adminUrl, workers: count, node: process.version, routes: live.routes.routes.length, flagsRevision: flags.flags.revision(), store: store.store.engine }, 'ficus listening');

  let stopped: Promise<void> | undefined;
  return {
    proxyUrl, adminUrl, flags: flags.flags, store: store.store, auditor: store.auditor, breaker,
    workersLost: lost,
    workers: () => supervisor.workers(),
    restarts: () => supervisor.restarts(),
    flush: async () => {
      await Promise.all([store.stats.flush(), store.differences.flush(), map.flush(), store.auditor.settled()]);
    },
    drain() {
      stopped ??= (async () => {
        draining = true;
        log.info({ event: 'draining', workers: supervisor.workers().length }, 'draining: every worker stops accepting and finishes what it serves');
        // Workers finish in-flight requests within drainMs, then send their last evidence.
        await supervisor.drain(settings.drainMs + 10_000);
        await stopPrimary();
      })();
      return stopped;
    },
  };
}
