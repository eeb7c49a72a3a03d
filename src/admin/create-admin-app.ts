// The admin port's app, in the order that matters: refusal counting, response headers and body
// limits around everything; /metrics and the health probes open (scrapers and load balancers carry
// no token), and so is the API's contract (it describes shapes, never data); then the control
// plane (admin API, dashboard).
import { Hono } from 'hono';
import { createAdminErrorHandler, type AdminErrorHandlerDeps } from './admin-error-handler.ts';
import { createAdminRefusals } from './admin-refusals.ts';
import type { AttemptLimits } from './attempt-limiter.ts';
import { createAuthenticator, hashToken, type AuthVariables, type TokenEntry } from './auth.ts';
import { DEFAULT_ADMIN_BODY_LIMITS, limitAdminBodies, type AdminBodyLimits } from './body-limits.ts';
import { mountControlPlane, type ControlPlaneDeps } from './control-plane.ts';
import { createOpenApiDocument } from './contract/openapi-document.ts';
import { mountHealth, type ReadinessProbe } from './health.ts';
import { DASHBOARD_PATH } from './sessions.ts';

export interface AdminAppDeps extends Omit<ControlPlaneDeps, 'auth' | 'refusals'> {
  /** Per-person tokens (file) and the single operator token (FICUS_ADMIN_TOKEN), if set. */
  readonly tokens: readonly TokenEntry[];
  readonly operatorToken: string | undefined;
  readonly health: ReadinessProbe;
  readonly metrics: { render(): string; readonly contentType: string };
  /** How a thrown error is answered and logged (503 during a store outage). */
  readonly errors: AdminErrorHandlerDeps;
  readonly bodyLimits?: AdminBodyLimits;
  readonly attemptLimits?: AttemptLimits;
}

const FORM_PATHS = new Set([`${DASHBOARD_PATH}/login`, `${DASHBOARD_PATH}/logout`]);

export function createAdminApp(deps: AdminAppDeps): Hono<{ Variables: AuthVariables }> {
  const tokens = [...deps.tokens];
  if (deps.operatorToken) tokens.push({ name: 'operator', role: 'operator', sha256: hashToken(deps.operatorToken) });
  const auth = createAuthenticator(tokens);
  const refusals = createAdminRefusals();
  // Not strict: `/_ficus` and `/_ficus/` are both the dashboard.
  const app = new Hono<{ Variables: AuthVariables }>({ strict: false });
  app.onError(createAdminErrorHandler(deps.errors));
  app.use('*', async function adminResponseHeaders(c, next) {
    await next();
    refusals.count(c.res.status, c.get('refusal'));
    // Admin answers name routes, actors and audit entries: never cached by a browser or a proxy
    // (assets say otherwise themselves), never content-sniffed into something executable.
    c.res.headers.set('x-content-type-options', 'nosniff');
    if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
  });
  app.use('*', limitAdminBodies(deps.bodyLimits ?? DEFAULT_ADMIN_BODY_LIMITS, (path) => FORM_PATHS.has(path)));
  app.get('/metrics', () => new Response(deps.metrics.render() + refusals.render(), { headers: { 'content-type': deps.metrics.contentType, 'cache-control': 'no-store' } }));
  mountHealth(app as unknown as Hono, deps.health);
  // Registered before the control plane so its bearer middleware never sees this path: the CLI,
  // code generators and a CTO's browser fetch the contract before they hold a token, and it names
  // no route, actor or patient (the same for every Ficus of this version).
  const contract = createOpenApiDocument();
  app.get('/api/openapi.json', (c) => c.json(contract));
  mountControlPlane(app, { ...deps, auth, refusals });
  return app;
}
