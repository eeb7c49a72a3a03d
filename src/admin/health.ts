// Liveness and readiness, open without a token (load balancers and orchestrators call them).
// /readyz answers "can this replica serve?": flags loaded, not draining, and (with --workers) a
// proxy worker listening. It fails the moment draining starts, so the load balancer stops sending
// before connections close. The store is not
// part of the verdict: the proxy serves through a store outage (evidence waits in bounded buffers),
// and a shared PostgreSQL going down must not take every replica out of the load balancer. Store
// health is reported beside the verdict (and in /metrics) from the last background check, so
// this endpoint never waits on a store that does not answer.
import type { Hono } from 'hono';
import type { StoreHealthSnapshot } from '../store/store-health.ts';

export interface ReadinessProbe {
  draining(): boolean;
  flagsReady(): boolean;
  /** Seconds since flags were last refreshed, or undefined when unknown. */
  flagsAgeSeconds(): number | undefined;
  configError(): string | undefined;
  /**
   * Under `--workers`: proxy workers listening and asked for. With none listening (all died at once
   * and are being forked again, or every slot was given up) the proxy port refuses connections.
   */
  workers?(): { serving: number; configured: number };
  /** The store's last known health; reported, never part of the verdict. */
  store(): StoreHealthSnapshot;
}

export function mountHealth(app: Hono, probe: ReadinessProbe): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => {
    const store = probe.store();
    const checks = {
      draining: probe.draining(),
      flags: probe.flagsReady(),
      store: store.status === 'ok',
      storeStatus: store.status,
      configError: probe.configError() ?? null,
      flagsAgeSeconds: probe.flagsAgeSeconds() ?? null,
    };
    const workers = probe.workers?.();
    const ready = !checks.draining && checks.flags && (workers === undefined || workers.serving > 0);
    const body = { status: ready ? 'ready' : 'not-ready', ...checks, ...(workers ? { workers } : {}), ...(c.req.query('verbose') === undefined ? {} : { storeHealth: store }) };
    return c.json(body, ready ? 200 : 503);
  });
}
