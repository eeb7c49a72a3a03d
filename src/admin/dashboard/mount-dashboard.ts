// The dashboard, served by the admin app under DASHBOARD_PATH: token login → server-side session
// (mount-login.ts), server-rendered pages, and one static script for the write forms, which call
// the same admin API as the CLI under the same prefix (with the session's CSRF token). Strict CSP:
// no inline script or style, nothing from another origin.
import { readFileSync } from 'node:fs';
import type { Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { RouteConfig } from '../../config/load-routes.ts';
import { listAudit } from '../../store/audit-log.ts';
import { readRouteSeries } from '../../store/route-series.ts';
import type { StoreHealthSnapshot } from '../../store/store-health.ts';
import type { Authenticator } from '../auth.ts';
import { listNoiseSuggestions, listRouteDifferences, summariseRoute, type RouteReportDeps } from '../route-report.ts';
import { DASHBOARD_PATH, SESSION_COOKIE, type Session, type SessionStore, type SessionVariables } from '../sessions.ts';
import { mountLogin, renderLogin, type LoginDeps } from './mount-login.ts';
import { routePage, routesPage } from './pages.ts';

export interface DashboardDeps extends RouteReportDeps, LoginDeps {
  readonly auth: Authenticator;
  readonly sessions: SessionStore;
  routes(): readonly RouteConfig[];
  /** The store's health, shown as a banner when it is not ok. */
  readonly health?: { store(): StoreHealthSnapshot };
}

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const DAY_MS = 86_400_000;
const ASSETS = {
  'dashboard.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(new URL('./dashboard.js', import.meta.url), 'utf8') },
  'dashboard.css': { type: 'text/css; charset=utf-8', body: readFileSync(new URL('./dashboard.css', import.meta.url), 'utf8') },
} as const;

export function mountDashboard(app: Hono<{ Variables: SessionVariables }>, deps: DashboardDeps): void {
  const paths = ['/', '/login', '/logout', '/routes/*', '/assets/*'];
  for (const path of paths) {
    app.use(path, async function dashboardHeaders(c, next) {
      await next();
      c.res.headers.set('content-security-policy', CSP);
      c.res.headers.set('x-content-type-options', 'nosniff');
      c.res.headers.set('referrer-policy', 'no-referrer');
      c.res.headers.set('x-frame-options', 'DENY');
      if (!c.req.path.startsWith(`${DASHBOARD_PATH}/assets/`)) c.res.headers.set('cache-control', 'no-store');
    });
  }

  app.get('/assets/:name', (c) => {
    const asset = ASSETS[c.req.param('name') as keyof typeof ASSETS];
    if (!asset) return c.text('not found', 404);
    return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
  });

  app.get('/favicon.ico', (c) => c.body(null, 204));
  mountLogin(app, deps);

  app.get('/', async (c) => {
    const session = sessionOf(c, deps.sessions);
    if (!session) return renderLogin(c, deps);
    const routes = await Promise.all(deps.routes().map((r) => summariseRoute(deps, r, DAY_MS)));
    return c.html(routesPage({ routes, killSwitch: deps.killSwitch(), flagsRevision: deps.flags.revision(), principal: session.principal, csrf: session.csrf, store: deps.health?.store() }));
  });

  app.get('/routes/:id', async (c) => {
    const session = sessionOf(c, deps.sessions);
    if (!session) return c.redirect(`${DASHBOARD_PATH}/`, 303);
    const config = deps.routes().find((r) => r.id === c.req.param('id'));
    if (!config) return c.text('no such route', 404);
    const since = new Date(deps.now().getTime() - DAY_MS);
    const [route, series, differences, noise, audit] = await Promise.all([
      summariseRoute(deps, config, DAY_MS),
      readRouteSeries(deps.db, config.id, { since, bucketMinutes: 10 }),
      listRouteDifferences(deps.db, config.id, 50),
      listNoiseSuggestions(deps.db, config.id),
      listAudit(deps.db, { route: config.id, limit: 50 }),
    ]);
    return c.html(routePage({ route, series, differences, noise: noise.suggestions, audit, principal: session.principal, csrf: session.csrf }));
  });
}

function sessionOf(c: Context, sessions: SessionStore): Session | undefined {
  return sessions.get(getCookie(c, SESSION_COOKIE));
}
