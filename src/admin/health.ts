// Liveness and readiness, open without a token (load balancers and orchestrators call them).
// /readyz is the operator's contract: config valid, flags loaded, store reachable — and it fails
// the moment draining starts, so the load balancer stops sending before connections close.
import type { Hono } from 'hono';

export interface ReadinessProbe {
  draining(): boolean;
  flagsReady(): boolean;
  /** Seconds since flags were last refreshed, or undefined when unknown. */
  flagsAgeSeconds(): number | undefined;
  storeReachable(): Promise<boolean>;
  configError(): string | undefined;
}

export function mountHealth(app: Hono, probe: ReadinessProbe): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const checks = {
      draining: probe.draining(),
      flags: probe.flagsReady(),
      store: await probe.storeReachable().catch(() => false),
      configError: probe.configError() ?? null,
      flagsAgeSeconds: probe.flagsAgeSeconds() ?? null,
    };
    const ready = !checks.draining && checks.flags && checks.store;
    return c.json({ status: ready ? 'ready' : 'not-ready', ...checks }, ready ? 200 : 503);
  });
}
