// The dashboard, served by the admin app under DASHBOARD_PATH: token login → server-side session
// (mount-login.ts), server-rendered pages, and one static script for the write forms, which call
// the same admin API as the CLI under the same prefix (with the session's CSRF token). Strict CSP:
// no inline script or style, nothing from another origin.
import { readFileSync } from 'node:fs';
import type { Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { RouteConfig } from '../../config/load-routes.ts';
import { listAudit } from '../../store/audit-log.ts';
import type { MigrationMap } from '../../discovery/create-migration-map.ts';
import { suggestRouteYaml } from '../../discovery/suggest-route-yaml.ts';
import type { RolloutController } from '../../rollout/create-rollout-controller.ts';
import { readRouteSeries, type RouteSeriesPoint } from '../../store/route-series.ts';
import type { StoreHealthSnapshot } from '../../store/store-health.ts';
import type { Authenticator } from '../auth.ts';
import { windowParam } from '../contract/api-schemas.ts';
import { listNoiseSuggestions, listRouteDifferences, parseWindow, summariseRoute, type RouteReportDeps } from '../route-report.ts';
import { DASHBOARD_PATH, SESSION_COOKIE, type Session, type SessionStore, type SessionVariables } from '../sessions.ts';
import { mountLogin, renderLogin, type LoginDeps } from './mount-login.ts';
import { chooseBucketMinutes } from './choose-bucket.ts';
import { mapPage, routePage, routesPage } from './pages.ts';
import { rolloutSection } from './rollout-timeline.ts';

export interface DashboardDeps extends RouteReportDeps, LoginDeps {
  readonly auth: Authenticator;
  readonly sessions: SessionStore;
  routes(): readonly RouteConfig[];
  /** The store's health, shown as a banner when it is not ok. */
  readonly health?: { store(): StoreHealthSnapshot };
  /** The autopilot and the migration map (absent in apps built without them). */
  readonly rollouts?: RolloutController;
  readonly map?: MigrationMap;
}

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const DAY_MS = 86_400_000;
/** Endpoints listed on the map page: the head of the long tail is what a CTO plans with. */
const MAP_ENDPOINTS = 15;
const ASSETS = {
  'dashboard.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(new URL('./dashboard.js', import.meta.url), 'utf8') },
  'dashboard.css': { type: 'text/css; charset=utf-8', body: readFileSync(new URL('./dashboard.css', import.meta.url), 'utf8') },
} as const;

export function mountDashboard(app: Hono<{ Variables: SessionVariables }>, deps: DashboardDeps): void {
  const paths = ['/', '/login', '/logout', '/routes/*', '/map', '/assets/*'];
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
    const [routes, rollouts] = await Promise.all([
      Promise.all(deps.routes().map((r) => summariseRoute(deps, r, DAY_MS))),
      deps.rollouts ? deps.rollouts.list() : Promise.resolve([]),
    ]);
    return c.html(routesPage({
      routes, killSwitch: deps.killSwitch(), flagsRevision: deps.flags.revision(), principal: session.principal, csrf: session.csrf, store: deps.health?.store(),
      rollouts: new Map(rollouts.map((r) => [r.route, r.status])),
    }));
  });

  app.get('/routes/:id', async (c) => {
    const session = sessionOf(c, deps.sessions);
    if (!session) return c.redirect(`${DASHBOARD_PATH}/`, 303);
    const config = deps.routes().find((r) => r.id === c.req.param('id'));
    if (!config) return c.text('no such route', 404);
    const nowMs = deps.now().getTime();
    const [route, chart, differences, noise, audit, rollout] = await Promise.all([
      summariseRoute(deps, config, DAY_MS),
      readAdaptiveSeries(deps, config.id, nowMs),
      listRouteDifferences(deps.db, config.id, 50),
      listNoiseSuggestions(deps.db, config.id),
      listAudit(deps.db, { route: config.id, limit: 50 }),
      deps.rollouts ? deps.rollouts.list().then((all) => all.find((r) => r.route === config.id) ?? null) : Promise.resolve(null),
    ]);
    return c.html(routePage({
      route, series: chart.series, differences, noise: noise.suggestions, audit, principal: session.principal, csrf: session.csrf,
      policy: config.readiness, charts: { bucketMinutes: chart.bucketMinutes, nowMs },
      rollout: rolloutSection({ routeId: config.id, plan: config.rollout, rollout, operator: session.principal.role === 'operator' }),
    }));
  });

  app.get('/map', async (c) => {
    const session = sessionOf(c, deps.sessions);
    if (!session) return c.redirect(`${DASHBOARD_PATH}/`, 303);
    if (!deps.map) return c.text('no migration map in this process', 404);
    const window = windowParam.safeParse(c.req.query('window'));
    if (!window.success) return c.text(window.error.issues[0]?.message ?? 'bad window', 400);
    const snapshot = await deps.map.snapshot({ windowMs: parseWindow(window.data), limit: MAP_ENDPOINTS });
    const map = { ...snapshot, window: window.data ?? '24h', unmigrated: snapshot.unmigrated.map((e) => ({ ...e, suggestedRoute: suggestRouteYaml(e) })) };
    return c.html(mapPage({ map, principal: session.principal, csrf: session.csrf }));
  });
}

/**
 * The route's series in buckets sized to its evidence: one read in minutes finds where the data
 * starts, and when that span is long a second read sums it in wider buckets (latency percentiles
 * need the store's histogram merge, so the re-bucketing is the store's, not ours).
 */
async function readAdaptiveSeries(deps: DashboardDeps, route: string, nowMs: number): Promise<{ series: RouteSeriesPoint[]; bucketMinutes: number }> {
  const since = new Date(nowMs - DAY_MS);
  const minutes = await readRouteSeries(deps.db, route, { since, bucketMinutes: 1 });
  const first = minutes[0] ? Date.parse(minutes[0].minute) : nowMs;
  const bucketMinutes = chooseBucketMinutes(nowMs - first);
  if (bucketMinutes === 1) return { series: minutes, bucketMinutes };
  return { series: await readRouteSeries(deps.db, route, { since: new Date(first), bucketMinutes }), bucketMinutes };
}

function sessionOf(c: Context, sessions: SessionStore): Session | undefined {
  return sessions.get(getCookie(c, SESSION_COOKIE));
}
