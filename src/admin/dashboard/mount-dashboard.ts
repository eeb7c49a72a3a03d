// The dashboard, served by the admin app: token login → server-side session (HttpOnly,
// SameSite=Strict cookie), server-rendered pages, and one static script for the write forms,
// which call the same admin API as the CLI (with the session's CSRF token). Strict CSP: no
// inline script or style, nothing from another origin.
import { readFileSync } from 'node:fs';
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { RouteConfig } from '../../config/load-routes.ts';
import { listAudit } from '../../store/audit-log.ts';
import { readRouteSeries } from '../../store/route-series.ts';
import type { Authenticator } from '../auth.ts';
import { listNoiseSuggestions, listRouteDifferences, summariseRoute, type RouteReportDeps } from '../route-report.ts';
import { SESSION_COOKIE, type Session, type SessionStore, type SessionVariables } from '../sessions.ts';
import { loginPage, routePage, routesPage } from './pages.ts';

export interface DashboardDeps extends RouteReportDeps {
  readonly auth: Authenticator;
  readonly sessions: SessionStore;
  routes(): readonly RouteConfig[];
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
      if (!c.req.path.startsWith('/assets/')) c.res.headers.set('cache-control', 'no-store');
    });
  }

  app.get('/assets/:name', (c) => {
    const asset = ASSETS[c.req.param('name') as keyof typeof ASSETS];
    if (!asset) return c.text('not found', 404);
    return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
  });

  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/login', (c) => c.redirect('/', 303));
  app.post('/login', async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    const principal = deps.auth.authenticate(token || undefined);
    if (!principal) return c.html(loginPage('That token is not valid.'), 401);
    deps.sessions.destroy(getCookie(c, SESSION_COOKIE));
    const session = deps.sessions.create(principal);
    setCookie(c, SESSION_COOKIE, session.id, {
      httpOnly: true, sameSite: 'Strict', path: '/', maxAge: Math.floor(deps.sessions.ttlMs / 1000), secure: new URL(c.req.url).protocol === 'https:',
    });
    return c.redirect('/', 303);
  });
  app.post('/logout', async (c) => {
    const session = sessionOf(c, deps.sessions);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    if (session && form.csrf === session.csrf) deps.sessions.destroy(session.id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/', 303);
  });

  app.get('/', async (c) => {
    const session = sessionOf(c, deps.sessions);
    if (!session) return c.html(loginPage());
    const routes = await Promise.all(deps.routes().map((r) => summariseRoute(deps, r, DAY_MS)));
    return c.html(routesPage({ routes, killSwitch: deps.killSwitch(), flagsRevision: deps.flags.revision(), principal: session.principal, csrf: session.csrf }));
  });

  app.get('/routes/:id', async (c) => {
    const session = sessionOf(c, deps.sessions);
    if (!session) return c.redirect('/', 303);
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
