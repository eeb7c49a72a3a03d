// The admin port's app, in the order that matters: /metrics and the health probes first and open
// (scrapers and load balancers carry no token), then the control plane (its sessions authenticate
// the API too), then the read API.
import { Hono } from 'hono';
import { createAuthenticator, hashToken, type AuthVariables, type TokenEntry } from './auth.ts';
import { createAdminErrorHandler, type AdminErrorHandlerDeps } from './admin-error-handler.ts';
import { mountControlPlane, type ControlPlaneDeps } from './control-plane.ts';
import { mountHealth, type ReadinessProbe } from './health.ts';
import { mountReadApi } from './read-api.ts';

export interface AdminAppDeps extends Omit<ControlPlaneDeps, 'auth'> {
  /** Per-person tokens (file) and the single operator token (FICUS_ADMIN_TOKEN), if set. */
  readonly tokens: readonly TokenEntry[];
  readonly operatorToken: string | undefined;
  readonly health: ReadinessProbe;
  readonly metrics: { render(): string; readonly contentType: string };
  /** How a thrown error is answered and logged (503 during a store outage). */
  readonly errors: AdminErrorHandlerDeps;
}

export function createAdminApp(deps: AdminAppDeps): Hono<{ Variables: AuthVariables }> {
  const tokens = [...deps.tokens];
  if (deps.operatorToken) tokens.push({ name: 'operator', role: 'operator', sha256: hashToken(deps.operatorToken) });
  const auth = createAuthenticator(tokens);
  const app = new Hono<{ Variables: AuthVariables }>();
  app.onError(createAdminErrorHandler(deps.errors));
  app.get('/metrics', () => new Response(deps.metrics.render(), { headers: { 'content-type': deps.metrics.contentType, 'cache-control': 'no-store' } }));
  mountHealth(app as unknown as Hono, deps.health);
  mountControlPlane(app, { ...deps, auth });
  mountReadApi(app, { ...deps, auth });
  return app;
}
