// GET /api/map: the migration map — what share of traffic each mode carries and the busiest
// endpoints still served by the monolith alone, each with a suggested route to start from.
import type { Hono } from 'hono';
import type { MigrationMap } from '../discovery/create-migration-map.ts';
import { suggestRouteYaml } from '../discovery/suggest-route-yaml.ts';
import { requireRole, type Authenticator } from './auth.ts';
import type { SessionVariables } from './sessions.ts';

export function mountMapApi(app: Hono<{ Variables: SessionVariables }>, deps: { readonly auth: Authenticator; readonly map: MigrationMap }): void {
  app.get('/api/map', requireRole(deps.auth, 'viewer'), (c) => {
    const raw = c.req.query('limit');
    const limit = raw === undefined ? 20 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return c.json({ error: 'invalid_query', message: 'limit must be an integer from 1 to 500' }, 400);
    const snapshot = deps.map.snapshot(limit);
    return c.json({ ...snapshot, unmigrated: snapshot.unmigrated.map((entry) => ({ ...entry, suggestedRoute: suggestRouteYaml(entry) })) });
  });
}
