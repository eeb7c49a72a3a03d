// Audit read side (viewer role): the newest entries, optionally of one route, and a walk of the
// whole hash chain that names the first altered, missing or reordered entry, and (given a head
// exported earlier, `?expectHead=SEQ:HASH`) deleted newest entries.
import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { listAudit } from '../store/audit-log.ts';
import type { StoreSchema } from '../store/schema.ts';
import { verifyAuditChain } from '../store/verify-audit-chain.ts';
import { requireRole, type Authenticator } from './auth.ts';
import { AuditQuery, AuditVerifyQuery } from './contract/api-schemas.ts';
import { validQuery } from './contract/validate-request.ts';
import type { SessionVariables } from './sessions.ts';

export function mountAuditApi(app: Hono<{ Variables: SessionVariables }>, deps: { auth: Authenticator; db: Kysely<StoreSchema> }): void {
  const viewer = requireRole(deps.auth, 'viewer');
  app.get('/api/audit', viewer, validQuery(AuditQuery), async (c) => {
    const { limit, route } = c.req.valid('query');
    return c.json({ entries: await listAudit(deps.db, { limit, route: route || undefined }) });
  });
  app.get('/api/audit/verify', viewer, validQuery(AuditVerifyQuery), async (c) => {
    return c.json(await verifyAuditChain(deps.db, { expectHead: c.req.valid('query').expectHead }));
  });
}
