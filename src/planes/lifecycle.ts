// Lifecycle: listening on the edge and admin ports, the drain (stop accepting, let in-flight
// exchanges finish up to the deadline) and the close, in the order the planes depend on each other:
// background work first, then the servers, then what the servers used (agents, flags, buffers, store).
import type { Server } from 'node:http';
import type { Settings } from '../config/settings.ts';
import type { EdgeServer } from '../dispatch/edge-server.ts';
import { closeServer, listen, urlOf } from '../dispatch/server-lifecycle.ts';
import type { EmitEvent, EventOf } from './events.ts';

export interface LifecycleDeps {
  readonly settings: Pick<Settings, 'port' | 'host' | 'adminPort' | 'adminHost' | 'tls' | 'drainMs'>;
  readonly emit: EmitEvent;
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

/** Listens on both ports and emits one `listening` event with `details` (routes, flags, store). */
export async function startLifecycle(deps: LifecycleDeps, details: Pick<EventOf<'listening'>, 'routes' | 'flagsRevision' | 'store'>, onDraining: () => void): Promise<Lifecycle> {
  const { settings, emit, edge, admin } = deps;
  await listen(edge.server, settings.port, settings.host);
  await listen(admin, settings.adminPort, settings.adminHost);
  const proxyUrl = urlOf(edge.server, settings.tls ? 'https' : 'http');
  const adminUrl = urlOf(admin, 'http');
  emit({ type: 'listening', node: process.version, proxyUrl, adminUrl, ...details });

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
      emit({ type: 'draining', inFlight: edge.inFlight() });
      const closing = closeServer(edge.server);
      if ((await edge.drain(settings.drainMs)) === 'deadline') emit({ type: 'drain-deadline', inFlight: edge.inFlight() });
      edge.server.closeAllConnections();
      edge.closeUpgraded();
      await closing;
      await close();
    },
  };
}
