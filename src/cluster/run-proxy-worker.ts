// One proxy worker of `ficus start --workers N`: the proxy plane alone (edge server, handlers,
// upstream agents, mirror → compare), with ports that relay to the primary. It loads no config and
// opens no store: routes and flags arrive as snapshots from the primary (the one reloader and flag
// source), evidence leaves as batches (rollups each second, difference records, metric snapshots),
// a breaker transition is reported to the primary (which audits it once and tells the other
// workers), and an audited proxy event goes to the primary's one audit chain.
import type { Logger } from 'pino';
import type { ExchangeObservation } from '../compare/evidence.ts';
import { describeError } from '../config/describe-error.ts';
import type { RoutesConfig } from '../config/load-routes.ts';
import type { Settings } from '../config/settings.ts';
import { isKillSwitchFlagOn } from '../decision/flag-source.ts';
import { createSnapshotFlagSource } from '../decision/snapshot-flag-source.ts';
import { createMigrationMap, routeWordsOf } from '../discovery/create-migration-map.ts';
import { createBreaker } from '../dispatch/breaker.ts';
import { createEventSink } from '../planes/events.ts';
import { buildEdgeState } from '../dispatch/edge-state.ts';
import { closeServer, listen, urlOf } from '../dispatch/server-lifecycle.ts';
import { startProxyPlane } from '../planes/proxy-plane.ts';
import { startTelemetryPlane } from '../planes/telemetry-plane.ts';
import type { DiffKey } from '../store/diff-key.ts';
import { createStatsRecorder } from '../store/stats-recorder.ts';
import type { MetricSnapshot } from '../telemetry/proxy-metrics.ts';
import type { PrimaryMessage } from './cluster-messages.ts';
import type { PrimaryChannel } from './primary-channel.ts';

export interface ProxyWorkerOptions {
  readonly channel: PrimaryChannel;
  /** The worker's logger, once it knows its settings (level) and slot. */
  logFor(settings: Settings, slot: number, logFile: string | undefined): Logger;
  readonly now?: () => Date;
  readonly random?: () => number;
  /** How often metric snapshots go to the primary (default 1 s: /metrics is at most this stale). */
  readonly metricsIntervalMs?: number;
  /** Told once the worker takes connections. */
  onListening?(): void;
}

/** Resolves when the worker has drained (asked by the primary, or the primary is gone). */
export async function runProxyWorker(options: ProxyWorkerOptions): Promise<void> {
  const { channel } = options;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  // The primary's welcome (init, routes, flags, open breakers) arrives in order before anything else.
  const inbox: PrimaryMessage[] = [];
  const mailbox: { deliver?: (m: PrimaryMessage) => void } = {};
  let waiting: (() => void) | undefined;
  channel.onMessage((m) => {
    if (mailbox.deliver) mailbox.deliver(m);
    else {
      inbox.push(m);
      waiting?.();
    }
  });
  const next = async <T extends PrimaryMessage['type']>(type: T): Promise<Extract<PrimaryMessage, { type: T }>> => {
    for (;;) {
      const at = inbox.findIndex((m) => m.type === type);
      if (at >= 0) return inbox.splice(at, 1)[0] as Extract<PrimaryMessage, { type: T }>;
      await new Promise<void>((resolve) => (waiting = resolve));
    }
  };
  const init = await next('ficus:init');
  const { settings, slot } = init;
  const log = options.logFor(settings, slot, init.logFile);
  const diffKey: DiffKey = { ...init.diffKey, secret: Buffer.from(init.diffKey.secret) };

  const flags = createSnapshotFlagSource();
  const firstFlags = await next('ficus:flags');
  flags.apply(firstFlags.flags);
  channel.send({ type: 'ficus:flags-applied', seq: firstFlags.seq });
  const routes: RoutesConfig = (await next('ficus:routes')).routes;

  const stats = createStatsRecorder({
    now,
    write: async (rollups) => channel.send({ type: 'ficus:rollups', rollups }),
    onError: (error) => log.error({ event: 'stats-failed', error: describeError(error) }, 'statistics could not be aggregated'),
  });
  // Staleness, breaker states and the kill switch are the primary's gauges: a worker reports none.
  // Events are logged here and, when the event table audits them, appended by the primary.
  const emit = createEventSink({ log, audit: (entry) => channel.send({ type: 'ficus:audit', entry }) });
  const telemetry = startTelemetryPlane({
    settings: { telemetry: settings.telemetry && { ...settings.telemetry, metricsExporter: 'none' } },
    emit, flagsAgeSeconds: () => undefined,
  });
  const observe = (o: ExchangeObservation) => {
    stats.observe(o);
    telemetry.metrics.observe(o);
  };
  const breaker = createBreaker({
    routes: () => proxy.config().routes.routes, now: () => now().getTime(), random,
    onTransition: (transition) => channel.send({ type: 'ficus:breaker-transition', transition }),
  });
  const map = createMigrationMap({
    now, routeWords: routeWordsOf(routes.routes), flushIntervalMs: 1_000,
    write: async (rows) => channel.send({ type: 'ficus:map-traffic', rows }),
    onError: (error) => log.error({ event: 'map-failed', error: describeError(error) }, 'migration map could not count'),
  });
  const proxy = startProxyPlane({
    settings, log, now, random,
    config: { routes, state: await buildEdgeState(routes, settings.routesDir) },
    flags, killSwitch: () => settings.killSwitch || isKillSwitchFlagOn(flags), breaker, observe,
    recordDifferences: (records, seenAt, traceId) => channel.send({ type: 'ficus:differences', records, seenAtMs: seenAt.getTime(), traceId }),
    diffKey, metrics: telemetry.metrics, map,
    emit,
    tracer: telemetry.tracer,
  });

  // Config and flag changes apply in the order the primary sent them.
  let applying: Promise<void> = Promise.resolve();
  let drainRequested: (() => void) | undefined;
  const drainAsked = new Promise<void>((resolve) => (drainRequested = resolve));
  const handle = (m: PrimaryMessage) => {
    if (m.type === 'ficus:flags') {
      // Applied synchronously on receipt, so the acknowledgement is true when it leaves: the
      // primary's flag write answers only once every serving worker has sent it (flag-acks.ts).
      flags.apply(m.flags);
      channel.send({ type: 'ficus:flags-applied', seq: m.seq });
    }
    else if (m.type === 'ficus:breaker') breaker.adopt(m.command.route, m.command.state);
    else if (m.type === 'ficus:drain') drainRequested?.();
    else if (m.type === 'ficus:routes') {
      applying = applying.then(async () => {
        try {
          proxy.apply({ routes: m.routes, state: await buildEdgeState(m.routes, settings.routesDir, proxy.config().state.upstreams) });
          map.setRouteWords(routeWordsOf(m.routes.routes));
        } catch (error) {
          log.error({ event: 'routes-apply-failed', error: describeError(error) }, 'routes from the primary could not be built here; keeping the previous ones');
        }
      });
    }
  };
  for (const m of inbox.splice(0)) handle(m);
  mailbox.deliver = handle;
  channel.onLost(() => drainRequested?.());

  const ipcDropped = (): MetricSnapshot => ({
    kind: 'counter', name: 'ficus_worker_ipc_dropped_total',
    help: 'Messages a proxy worker dropped because too many waited for a slow primary (evidence and metric snapshots, never control messages), by message type.',
    series: Object.entries(channel.dropped()).map(([type, value]) => ({ attributes: { type }, value })),
  });
  const sendMetrics = () => channel.send({ type: 'ficus:metrics', snapshot: [...telemetry.metrics.snapshot(), ipcDropped()], inFlight: proxy.edge.inFlight() });
  const metricsTimer = setInterval(sendMetrics, options.metricsIntervalMs ?? 1_000);
  metricsTimer.unref();

  await listen(proxy.edge.server, settings.port, settings.host);
  const proxyUrl = urlOf(proxy.edge.server, settings.tls ? 'https' : 'http');
  channel.send({ type: 'ficus:ready', proxyUrl });
  options.onListening?.();
  log.info({ event: 'worker-listening', slot, pid: process.pid, proxyUrl }, 'proxy worker listening');

  await drainAsked;
  // The same drain as one process: stop accepting, finish what is in flight, then close the rest.
  emit({ type: 'draining', inFlight: proxy.edge.inFlight() });
  const closing = closeServer(proxy.edge.server);
  if ((await proxy.edge.drain(settings.drainMs)) === 'deadline') emit({ type: 'drain-deadline', inFlight: proxy.edge.inFlight() });
  proxy.edge.server.closeAllConnections();
  proxy.edge.closeUpgraded();
  await closing;
  proxy.stopWatching();
  proxy.closeUpstreams();
  await proxy.drainComparisons().catch(() => {});
  await Promise.all([stats.close(), map.close()]);
  clearInterval(metricsTimer);
  sendMetrics();
  await proxy.closeComparisons();
  await flags.close();
  await telemetry.close();
  channel.send({ type: 'ficus:drained' });
  await channel.flushed();
}
