// The CTO's control plane on the admin app: the admin API (bearer tokens for the CLI and scripts at
// /api, the same API under DASHBOARD_PATH for the dashboard's session), the audit API and the
// dashboard pages. Wrong bearer tokens and wrong logins each have their own per-client lockout.
import { Hono } from 'hono';
import type { StoreHealthSnapshot } from '../store/store-health.ts';
import type { RouteConfig } from '../config/load-routes.ts';
import type { FlagWriter } from '../decision/flag-writer.ts';
import type { AdminRefusals } from './admin-refusals.ts';
import { createAttemptLimiter, type AttemptLimits } from './attempt-limiter.ts';
import { mountAuditApi } from './audit-api.ts';
import type { Auditor } from './auditor.ts';
import { bearerAuth, type Authenticator, type AuthVariables } from './auth.ts';
import { mountDashboard } from './dashboard/mount-dashboard.ts';
import { mountReadApi } from './read-api.ts';
import type { RouteReportDeps } from './route-report.ts';
import { createSessionStore, DASHBOARD_PATH, sessionAuth, type SessionVariables } from './sessions.ts';
import { mountWriteApi } from './write-api.ts';
import type { MigrationMap } from '../discovery/create-migration-map.ts';
import type { RolloutController } from '../rollout/create-rollout-controller.ts';
import { mountMapApi } from './map-api.ts';
import { mountRolloutApi } from './rollout-api.ts';

export interface ControlPlaneDeps extends RouteReportDeps {
  readonly auth: Authenticator;
  readonly writer: FlagWriter;
  readonly auditor: Auditor;
  routes(): readonly RouteConfig[];
  readonly sessionTtlMs?: number;
  /** For the dashboard's store banner. */
  readonly health?: { store(): StoreHealthSnapshot };
  /** Wrong-credential limits (login and bearer token each); defaults in attempt-limiter.ts. */
  readonly attemptLimits?: AttemptLimits;
  readonly refusals: AdminRefusals;
  /** The autopilot (absent in tests that do not start one). */
  readonly rollouts?: RolloutController;
  /** The migration map of the traffic this replica has seen. */
  readonly map?: MigrationMap;
  /** Peers whose X-Forwarded-Proto is believed, so the session cookie is Secure behind TLS termination. */
  readonly isTrustedProxy?: (address: string) => boolean;
}

export function mountControlPlane(app: Hono<{ Variables: AuthVariables }>, deps: ControlPlaneDeps): void {
  const clock = () => deps.now().getTime();
  const sessions = createSessionStore({ now: deps.now, ttlMs: deps.sessionTtlMs });
  const tokenLimiter = createAttemptLimiter({ now: clock, limits: deps.attemptLimits });
  const loginLimiter = createAttemptLimiter({ now: clock, limits: deps.attemptLimits });

  const api = new Hono<{ Variables: SessionVariables }>();
  api.use('/api/*', bearerAuth(deps.auth, { limiter: tokenLimiter, onLockout: () => deps.refusals.lockedOut('token') }));
  api.use('/api/*', sessionAuth(sessions));
  mountWriteApi(api, deps);
  mountAuditApi(api, { auth: deps.auth, db: deps.db });
  if (deps.rollouts) mountRolloutApi(api, { auth: deps.auth, rollouts: deps.rollouts, planOf: (id) => deps.routes().find((r) => r.id === id)?.rollout });
  if (deps.map) mountMapApi(api, { auth: deps.auth, map: deps.map });
  mountReadApi(api as unknown as Hono<{ Variables: AuthVariables }>, deps);

  const dashboard = new Hono<{ Variables: SessionVariables }>();
  mountDashboard(dashboard, { ...deps, sessions, limiter: loginLimiter, onLockout: () => deps.refusals.lockedOut('login') });

  app.route('/', api);
  app.route(DASHBOARD_PATH, api);
  app.route(DASHBOARD_PATH, dashboard);
  app.get('/', (c) => c.redirect(`${DASHBOARD_PATH}/`, 303));
}
