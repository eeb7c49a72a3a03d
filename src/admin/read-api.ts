// The read side of the admin API (viewer role): routes with their evidence and readiness,
// differences, noise suggestions. JSON only; nothing here can carry patient data because the
// store never holds any.
import type { Hono } from 'hono';
import type { RouteConfig } from '../config/load-routes.ts';
import { requireRole, type Authenticator, type AuthVariables } from './auth.ts';
import { DifferencesQuery, NoiseQuery, RoutesQuery } from './contract/api-schemas.ts';
import { badRequest, validQuery } from './contract/validate-request.ts';
import { listNoiseSuggestions, listRouteDifferences, parseWindow, summariseRoute, type RouteReportDeps } from './route-report.ts';

export interface ReadApiDeps extends RouteReportDeps {
  readonly auth: Authenticator;
  routes(): readonly RouteConfig[];
}

export function mountReadApi(app: Hono<{ Variables: AuthVariables }>, deps: ReadApiDeps): void {
  const viewer = requireRole(deps.auth, 'viewer');
  app.get('/api/routes', viewer, validQuery(RoutesQuery), async (c) => {
    const windowMs = parseWindow(c.req.valid('query').window);
    const routes = await Promise.all(deps.routes().map((route) => summariseRoute(deps, route, windowMs)));
    return c.json({ killSwitch: deps.killSwitch(), flagsRevision: deps.flags.revision(), window: c.req.query('window') ?? '24h', routes });
  });
  app.get('/api/routes/:id', viewer, validQuery(RoutesQuery), async (c) => {
    const route = deps.routes().find((r) => r.id === c.req.param('id'));
    if (!route) return c.json({ error: 'not_found', message: `no route "${c.req.param('id')}"` }, 404);
    return c.json(await summariseRoute(deps, route, parseWindow(c.req.valid('query').window)));
  });
  app.get('/api/differences', viewer, validQuery(DifferencesQuery), async (c) => {
    const { route, limit } = c.req.valid('query');
    if (route !== undefined && !deps.routes().some((r) => r.id === route)) return c.json({ error: 'not_found', message: `no route "${route}"` }, 404);
    return c.json({ differences: await listRouteDifferences(deps.db, route, limit) });
  });
  app.get('/api/noise', viewer, validQuery(NoiseQuery), async (c) => {
    const { route } = c.req.valid('query');
    if (!deps.routes().some((r) => r.id === route)) return badRequest(c, 'route=<id> of a known route is required', [{ in: 'query', path: 'route', message: `no route "${route}"` }]);
    return c.json(await listNoiseSuggestions(deps.db, route));
  });
}
