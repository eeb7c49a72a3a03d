// Lifecycle: listening on the edge and admin ports, the drain (stop accepting, let in-flight
// exchanges finish up to the deadline) and the close, in the order the planes depend on each other:
// background work first, then the servers, then what the servers used (agents, flags, buffers, store).
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Settings } from '../config/settings.ts';
import type { EdgeServer } from '../dispatch/edge-server.ts';
import { closeServer, listen, urlOf } from '../dispatch/server-lifecycle.ts';

export interface LifecycleDeps {
  readonly settings: Pick<Settings, 'port' | 'host' | 'adminPort' | 'adminHost' | 'tls' | 'drainMs'>;
  readonly log: Logger;
  readonly edge: EdgeServer;
  readonly admin: Server;
  /** Timers, watchers and background work: stopped before the servers close. */
  stopBackground(): Promise<void>;
  /** Everything the servers used, released in order after they closed. */
  release(): Promise<void>;
}

export interface Lifecycle {
  readonly proxyUrl: string;
  readonly adminUrl: string;
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** Listens on both ports and logs one `listening` line with `details` (routes, flags, store). */
export async function startLifecycle(deps: LifecycleDeps, details: Readonly<Record<string, unknown>>, onDraining: () => void): Promise<Lifecycle> {
  const { settings, log, edge, admin } = deps;
  await listen(edge.server, settings.port, settings.host);
  await listen(admin, settings.adminPort, settings.adminHost);
  const proxyUrl = urlOf(edge.server, settings.tls ? 'https' : 'http');
  const adminUrl = urlOf(admin, 'http');
  log.info({ event: 'listening', proxyUrl, adminUrl, node: process.version, ...details }, 'ficus listening');

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await deps.stopBackground();
    edge.server.closeAllConnections();
    edge.closeUpgraded();
    admin.closeAllConnections();
    await Promise.all([closeServer(edge.server), closeServer(admin)]);
    await deps.release();
  };
  return {
    proxyUrl,
    adminUrl,
    close,
    async drain() {
      onDraining();
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
  };
}
