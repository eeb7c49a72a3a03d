// Audit read side (viewer role): the newest entries, optionally of one route, and a walk of the
// whole hash chain that names the first altered, missing or reordered entry, and (given a head
// exported earlier, `?expectHead=SEQ:HASH`) deleted newest entries.
import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { listAudit, type AuditHead } from '../store/audit-log.ts';
import type { StoreSchema } from '../store/schema.ts';
import { parseAuditHead, verifyAuditChain } from '../store/verify-audit-chain.ts';
import { requireRole, type Authenticator } from './auth.ts';
import type { SessionVariables } from './sessions.ts';

export function mountAuditApi(app: Hono<{ Variables: SessionVariables }>, deps: { auth: Authenticator; db: Kysely<StoreSchema> }): void {
  const viewer = requireRole(deps.auth, 'viewer');
  app.get('/api/audit', viewer, async (c) => {
    const rawLimit = c.req.query('limit');
    const limit = rawLimit === undefined ? 100 : Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return c.json({ error: 'bad_request', message: 'limit must be a whole number from 1 to 1000' }, 400);
    return c.json({ entries: await listAudit(deps.db, { limit, route: c.req.query('route') || undefined }) });
  });
  app.get('/api/audit/verify', viewer, async (c) => {
    const raw = c.req.query('expectHead');
    let expectHead: AuditHead | undefined;
    try {
      expectHead = raw === undefined ? undefined : parseAuditHead(raw);
    } catch (error) {
      return c.json({ error: 'bad_request', message: (error as Error).message }, 400);
    }
    return c.json(await verifyAuditChain(deps.db, { expectHead }));
  });
}
