// The read side of the admin API (viewer role): routes with their evidence and readiness,
// differences, noise suggestions. JSON only; nothing here can carry patient data because the
// store never holds any.
import type { Hono } from 'hono';
import type { RouteConfig } from '../config/load-routes.ts';
import { requireRole, type Authenticator, type AuthVariables } from './auth.ts';
import { listNoiseSuggestions, listRouteDifferences, parseWindow, summariseRoute, type RouteReportDeps } from './route-report.ts';

export interface ReadApiDeps extends RouteReportDeps {
  readonly auth: Authenticator;
  routes(): readonly RouteConfig[];
}

export function mountReadApi(app: Hono<{ Variables: AuthVariables }>, deps: ReadApiDeps): void {
  const viewer = requireRole(deps.auth, 'viewer');
  app.get('/api/routes', viewer, async (c) => {
    const windowMs = parseWindow(c.req.query('window'));
    const routes = await Promise.all(deps.routes().map((route) => summariseRoute(deps, route, windowMs)));
    return c.json({ killSwitch: deps.killSwitch(), flagsRevision: deps.flags.revision(), window: c.req.query('window') ?? '24h', routes });
  });
  app.get('/api/routes/:id', viewer, async (c) => {
    const route = deps.routes().find((r) => r.id === c.req.param('id'));
    if (!route) return c.json({ error: 'not_found', message: `no route "${c.req.param('id')}"` }, 404);
    return c.json(await summariseRoute(deps, route, parseWindow(c.req.query('window'))));
  });
  app.get('/api/differences', viewer, async (c) => {
    const route = c.req.query('route');
    if (route !== undefined && !deps.routes().some((r) => r.id === route)) return c.json({ error: 'not_found', message: `no route "${route}"` }, 404);
    const limit = Math.min(Number(c.req.query('limit') ?? 200) || 200, 1000);
    return c.json({ differences: await listRouteDifferences(deps.db, route, limit) });
  });
  app.get('/api/noise', viewer, async (c) => {
    const route = c.req.query('route');
    if (!route || !deps.routes().some((r) => r.id === route)) return c.json({ error: 'bad_request', message: 'route=<id> of a known route is required' }, 400);
    return c.json(await listNoiseSuggestions(deps.db, route));
  });
}
