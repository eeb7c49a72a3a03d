// Walks the audit log oldest first and recomputes every hash. Catches an edited entry (its hash),
// a deleted or reordered entry (seq gap / prev_hash), and a deleted head (anchor mismatch).
// A truncated tail is invisible from inside the store: Ficus exports the head (seq and hash) on
// every append, and `expectHead` checks the chain against such a copy kept elsewhere.
import type { Kysely } from 'kysely';
import { GENESIS_HASH, hashAuditEntry } from './audit-hash.ts';
import { readAuditAnchor, type AuditHead } from './audit-log.ts';
import type { StoreSchema } from './schema.ts';
import { StoreError } from './store-error.ts';

export type AuditVerification =
  | { readonly ok: true; readonly entries: number; readonly head: AuditHead | null }
  | { readonly ok: false; readonly brokenAt: number; readonly reason: string };

export interface VerifyOptions {
  /** A head exported earlier: the chain must reach it, and hold exactly that entry there. */
  readonly expectHead?: AuditHead;
}

const PAGE = 1000;

export async function verifyAuditChain(db: Kysely<StoreSchema>, options: VerifyOptions = {}): Promise<AuditVerification> {
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
      if (options.expectHead?.seq === seq && options.expectHead.hash !== hash) {
        return { ok: false, brokenAt: seq, reason: `entry ${seq} is not the exported head (hash ${hash.slice(0, 12)}…, expected ${options.expectHead.hash.slice(0, 12)}…): the chain was rewritten from there` };
      }
      expectedSeq = seq + 1;
      expectedPrev = row.hash;
      entries += 1;
    }
    if (rows.length < PAGE) break;
  }
  const head = entries === 0 && !anchor ? null : { seq: expectedSeq - 1, hash: expectedPrev };
  return checkExpectedHead(options.expectHead, head, anchor) ?? { ok: true, entries, head };
}

/** Against a head exported earlier: the chain must reach it (entries checked there during the walk). */
function checkExpectedHead(expect: AuditHead | undefined, head: AuditHead | null, anchor: { seq: number; prevHash: string } | undefined): AuditVerification | undefined {
  if (!expect) return undefined;
  const last = head?.seq ?? 0;
  if (last < expect.seq) {
    const missing = last + 1 === expect.seq ? `entry ${expect.seq} was` : `entries ${last + 1}–${expect.seq} were`;
    return { ok: false, brokenAt: last + 1, reason: `the chain ends at entry ${last} but the exported head is entry ${expect.seq}: ${missing} deleted (tail truncated)` };
  }
  // Purged by retention: only the anchor, which holds the hash of the entry just before it, can still vouch.
  if (anchor && expect.seq === anchor.seq - 1 && anchor.prevHash !== expect.hash) {
    return { ok: false, brokenAt: expect.seq, reason: `entry ${expect.seq} (purged) is not the exported head: the chain's anchor holds another hash` };
  }
  return undefined;
}

/** Parses `SEQ:HASH` as `ficus audit verify --expect-head` takes it (a log line or metric gives both). */
export function parseAuditHead(text: string): AuditHead {
  const match = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim());
  if (!match) throw new StoreError('AUDIT_HEAD_INVALID', 'an audit head is SEQ:HASH, the sequence number and the 64-hex-digit hash of an entry (from the audit-head log line or ficus_audit_head_info)');
  return { seq: Number(match[1]), hash: match[2]! };
}
