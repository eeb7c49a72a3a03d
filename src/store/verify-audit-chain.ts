// Walks the audit log oldest first and recomputes every hash. Catches an edited entry (its hash),
// a deleted or reordered entry (seq gap / prev_hash), and a deleted head (anchor mismatch).
// A truncated tail is invisible from inside the store: export the latest hash to catch that.
import type { Kysely } from 'kysely';
import { GENESIS_HASH, hashAuditEntry } from './audit-hash.ts';
import { readAuditAnchor } from './audit-log.ts';
import type { StoreSchema } from './schema.ts';

export type AuditVerification =
  | { readonly ok: true; readonly entries: number }
  | { readonly ok: false; readonly brokenAt: number; readonly reason: string };

const PAGE = 1000;

export async function verifyAuditChain(db: Kysely<StoreSchema>): Promise<AuditVerification> {
  const anchor = await readAuditAnchor(db);
  let expectedSeq = anchor?.seq ?? 1;
  let expectedPrev = anchor?.prevHash ?? GENESIS_HASH;
  let entries = 0;
  for (;;) {
    const rows = await db
      .selectFrom('ficus_audit_log').selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq').limit(PAGE).execute();
    if (entries === 0 && rows.length === 0) {
      const earlier = await db.selectFrom('ficus_audit_log').select('seq').where('seq', '<', expectedSeq).limit(1).executeTakeFirst();
      if (earlier) return { ok: false, brokenAt: Number(earlier.seq), reason: `entry ${earlier.seq} lies before the chain's anchor` };
    }
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) return { ok: false, brokenAt: expectedSeq, reason: `entry ${expectedSeq} is missing` };
      if (row.prev_hash !== expectedPrev) {
        return { ok: false, brokenAt: seq, reason: `entry ${seq} does not follow entry ${seq - 1} (prev_hash differs)` };
      }
      const hash = hashAuditEntry({
        seq, atMs: Number(row.at_ms), actor: row.actor, action: row.action, route: row.route,
        details: row.details, reason: row.reason, source: row.source, prevHash: row.prev_hash,
      });
      if (hash !== row.hash) return { ok: false, brokenAt: seq, reason: `entry ${seq} was altered (its hash does not match its content)` };
      expectedSeq = seq + 1;
      expectedPrev = row.hash;
      entries += 1;
    }
    if (rows.length < PAGE) return { ok: true, entries };
  }
}
