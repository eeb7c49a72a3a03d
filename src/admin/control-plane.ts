// The CTO's control plane on the admin app: dashboard sessions, the write API, the audit API and
// the dashboard pages. Mounted before the read API so a dashboard session also authenticates the
// read endpoints the dashboard's script calls.
import type { Hono } from 'hono';
import type { RouteConfig } from '../config/load-routes.ts';
import type { FlagWriter } from '../decision/flag-writer.ts';
import { mountAuditApi } from './audit-api.ts';
import type { Auditor } from './auditor.ts';
import type { Authenticator, AuthVariables } from './auth.ts';
import { mountDashboard } from './dashboard/mount-dashboard.ts';
import type { RouteReportDeps } from './route-report.ts';
import { createSessionStore, sessionAuth, type SessionVariables } from './sessions.ts';
import { mountWriteApi } from './write-api.ts';

export interface ControlPlaneDeps extends RouteReportDeps {
  readonly auth: Authenticator;
  readonly writer: FlagWriter;
  readonly auditor: Auditor;
  routes(): readonly RouteConfig[];
  readonly sessionTtlMs?: number;
}

export function mountControlPlane(app: Hono<{ Variables: AuthVariables }>, deps: ControlPlaneDeps): void {
  const plane = app as unknown as Hono<{ Variables: SessionVariables }>;
  const sessions = createSessionStore({ now: deps.now, ttlMs: deps.sessionTtlMs });
  plane.use('/api/*', sessionAuth(sessions));
  mountWriteApi(plane, deps);
  mountAuditApi(plane, { auth: deps.auth, db: deps.db });
  mountDashboard(plane, { ...deps, sessions });
}
