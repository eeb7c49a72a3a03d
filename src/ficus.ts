// Composition: builds a running Ficus from Settings. No environment reads here (main does that);
// tests start Ficus in-process through this function with their own settings and log sink.
import { randomUUID } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Hono } from 'hono';
import { createAdaptorServer } from '@hono/node-server';
import type { Logger } from 'pino';
import { ConfigError } from './config/config-error.ts';
import { loadRoutes, type RoutesConfig } from './config/load-routes.ts';
import type { Settings } from './config/settings.ts';
import { createFileFlagSource } from './decision/file-flag-source.ts';
import { isKillSwitchFlagOn, type FlagSource } from './decision/flag-source.ts';
import { createEdgeServer } from './dispatch/edge-server.ts';
import { createForwarder } from './dispatch/forward.ts';
import { createRequestHandler, type EdgeState, type ExchangeSummary } from './dispatch/handle-request.ts';
import { createUpgradeHandler } from './dispatch/handle-upgrade.ts';
import { createTrustedProxyCheck } from './dispatch/trusted-proxies.ts';
import { closeUpstreamPool, createUpstreamPool } from './dispatch/upstream-pool.ts';
import { mountHealth } from './admin/health.ts';
import { compileRouteTable } from './routing/route-table.ts';
import { createStickyHasher } from './routing/sticky-key.ts';
import { readFileSync } from 'node:fs';
import { accessLogEntry } from './telemetry/access-log.ts';

export interface Ficus {
  readonly proxyUrl: string;
  readonly adminUrl: string;
  readonly flags: FlagSource;
  routes(): RoutesConfig;
  /** Stop accepting, let in-flight requests finish (up to drainMs), then close everything. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly log: Logger;
}

export async function startFicus(settings: Settings, { log }: StartOptions): Promise<Ficus> {
  let routes = await loadRoutes(settings.routesDir, { urlOverrides: settings.upstreamUrls });
  let state: EdgeState = { table: compileRouteTable(routes.routes), upstreams: createUpstreamPool(routes.upstreams) };
  let lastConfigError: string | undefined;
  let draining = false;

  const flags = await createFileFlagSource({
    dir: settings.flagsDir,
    onReloadError: (error) => log.error({ event: 'flags-reload-failed', error: describeError(error) }, 'flag files invalid; keeping the last good flags'),
  });
  flags.onChange((change) => log.info({ event: 'flags-changed', revision: change.revision, flags: change.changed }, 'flags reloaded'));

  const killSwitch = () => settings.killSwitch || isKillSwitchFlagOn(flags);
  const forwarder = createForwarder();
  const handlerDeps = {
    state: () => state,
    flags,
    killSwitch,
    hashStickyKey: createStickyHasher(settings.stickySalt),
    forwarder,
    isTrustedProxy: createTrustedProxyCheck(settings.trustedProxies),
    protocol: settings.tls ? ('https' as const) : ('http' as const),
    newRequestId: () => randomUUID(),
    observe: () => {},
    onExchangeEnd: settings.accessLog ? (summary: ExchangeSummary) => log.info(accessLogEntry(summary)) : undefined,
    dropRequestHeaders: new Set(['baggage']),
  };
  const edge = createEdgeServer({
    handleRequest: createRequestHandler(handlerDeps),
    handleUpgrade: createUpgradeHandler(handlerDeps),
    onClientError: (code) => log.warn({ event: 'client-error', code }, 'malformed request refused'),
    tls: settings.tls ? { cert: readFileSync(settings.tls.certFile), key: readFileSync(settings.tls.keyFile) } : undefined,
  });

  const reloadRoutes = async () => {
    try {
      const next = await loadRoutes(settings.routesDir, { urlOverrides: settings.upstreamUrls });
      if (next.hash === routes.hash) return;
      const previous = state;
      state = { table: compileRouteTable(next.routes), upstreams: createUpstreamPool(next.upstreams, previous.upstreams) };
      closeUpstreamPool(previous.upstreams, state.upstreams);
      routes = next;
      lastConfigError = undefined;
      log.info({ event: 'routes-reloaded', hash: next.hash, routes: next.routes.length }, 'routes reloaded');
    } catch (error) {
      lastConfigError = error instanceof ConfigError ? error.message : describeError(error);
      log.error({ event: 'routes-reload-failed', error: lastConfigError }, 'route files invalid; keeping the last good routes');
    }
  };
  const routesWatcher = watchDir(settings.routesDir, () => void reloadRoutes());

  const admin = new Hono();
  mountHealth(admin, {
    draining: () => draining,
    flagsReady: () => flags.isReady(),
    flagsAgeSeconds: () => {
      const at = flags.lastRefreshedAt();
      return at ? (Date.now() - at.getTime()) / 1000 : undefined;
    },
    storeReachable: async () => true,
    configError: () => lastConfigError,
  });
  const adminServer = createAdaptorServer({ fetch: admin.fetch, overrideGlobalObjects: false }) as Server;

  await listen(edge.server, settings.port, settings.host);
  await listen(adminServer, settings.adminPort, settings.adminHost);
  const proxyUrl = urlOf(edge.server, settings.tls ? 'https' : 'http');
  const adminUrl = urlOf(adminServer, 'http');
  log.info({ event: 'listening', proxyUrl, adminUrl, node: process.version, routes: routes.routes.length, flagsRevision: flags.revision() }, 'ficus listening');

  const close = async () => {
    routesWatcher?.close();
    edge.server.closeAllConnections();
    adminServer.closeAllConnections();
    await Promise.all([closeServer(edge.server), closeServer(adminServer)]);
    forwarder.close();
    closeUpstreamPool(state.upstreams);
    await flags.close();
  };

  return {
    proxyUrl,
    adminUrl,
    flags,
    routes: () => routes,
    async drain() {
      draining = true;
      log.info({ event: 'draining', inFlight: edge.inFlight() }, 'draining: no new connections');
      const closed = closeServer(edge.server);
      edge.server.closeIdleConnections();
      const deadline = Date.now() + settings.drainMs;
      while (edge.inFlight() > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 25));
        edge.server.closeIdleConnections();
      }
      if (edge.inFlight() > 0) log.warn({ event: 'drain-deadline', inFlight: edge.inFlight() }, 'drain deadline reached; closing remaining connections');
      edge.server.closeAllConnections();
      await closed;
      await close();
    },
    close,
  };
}

function watchDir(dir: string, onChange: () => void): FSWatcher | undefined {
  let timer: NodeJS.Timeout | undefined;
  try {
    return watch(dir, { persistent: false }, () => {
      clearTimeout(timer);
      timer = setTimeout(onChange, 50);
    });
  } catch {
    return undefined;
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

function urlOf(server: Server, scheme: string): string {
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address === '::' ? '::1' : address.address}]` : address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
  return `${scheme}://${host}:${address.port}`;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return (error as Error & { code?: string }).code ? `${(error as Error & { code?: string }).code}: ${error.message}` : error.message;
  return String(error);
}
