// GET /api/map: the migration map — what share of traffic each mode carries and the busiest
// endpoints still served by the monolith alone, each with a suggested route to start from.
import type { Hono } from 'hono';
import type { MigrationMap } from '../discovery/create-migration-map.ts';
import { suggestRouteYaml } from '../discovery/suggest-route-yaml.ts';
import { requireRole, type Authenticator } from './auth.ts';
import { MapQuery } from './contract/api-schemas.ts';
import { validQuery } from './contract/validate-request.ts';
import type { SessionVariables } from './sessions.ts';

export function mountMapApi(app: Hono<{ Variables: SessionVariables }>, deps: { readonly auth: Authenticator; readonly map: MigrationMap }): void {
  app.get('/api/map', requireRole(deps.auth, 'viewer'), validQuery(MapQuery), (c) => {
    const snapshot = deps.map.snapshot(c.req.valid('query').limit);
    return c.json({ ...snapshot, unmigrated: snapshot.unmigrated.map((entry) => ({ ...entry, suggestedRoute: suggestRouteYaml(entry) })) });
  });
}
