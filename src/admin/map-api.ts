// GET /api/map[?window=24h&limit=20]: the migration map over a window — what share of traffic each
// mode carries and the busiest endpoints still served by the monolith alone, each with a suggested
// route to start from. Read from the store, so it covers every replica and survives restarts.
import type { Hono } from 'hono';
import type { MigrationMap } from '../discovery/create-migration-map.ts';
import { suggestRouteYaml } from '../discovery/suggest-route-yaml.ts';
import { requireRole, type Authenticator } from './auth.ts';
import { MapQuery } from './contract/api-schemas.ts';
import { validQuery } from './contract/validate-request.ts';
import { parseWindow } from './route-report.ts';
import type { SessionVariables } from './sessions.ts';

export function mountMapApi(app: Hono<{ Variables: SessionVariables }>, deps: { readonly auth: Authenticator; readonly map: MigrationMap }): void {
  app.get('/api/map', requireRole(deps.auth, 'viewer'), validQuery(MapQuery), async (c) => {
    const query = c.req.valid('query');
    const snapshot = await deps.map.snapshot({ windowMs: parseWindow(query.window), limit: query.limit });
    return c.json({ window: query.window ?? '24h', ...snapshot, unmigrated: snapshot.unmigrated.map((entry) => ({ ...entry, suggestedRoute: suggestRouteYaml(entry) })) });
  });
}
