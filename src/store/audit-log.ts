// The audit log: append-only and hash-chained, so an edited or deleted entry is detectable
// (verifyAuditChain). Appends are serialised across every replica sharing the store so the chain
// never forks: the head is read and the next entry written under one lock.
import type { Kysely, Transaction } from 'kysely';
import { canonicalJson, GENESIS_HASH, hashAuditEntry } from './audit-hash.ts';
import type { AuditLogTable, StoreSchema } from './schema.ts';
import { inSerialisedTransaction, LOCK_KEYS } from './serialised-transaction.ts';
import { StoreError } from './store-error.ts';

export type AuditAction =
  | 'mode-change'
  | 'percent-change'
  | 'difference-accepted'
  | 'difference-revoked'
  | 'kill-switch'
  | 'breaker-trip'
  | 'breaker-restore'
  | 'config-reload'
  | 'flag-change-observed'
  | 'write-mirroring-stopped'
  | 'rollout-started'
  | 'rollout-decision'
  | 'rollout-approved'
  | 'rollout-paused'
  | 'rollout-resumed'
  | 'rollout-aborted';

export interface AuditInput {
  readonly at: Date;
  /** Person (token owner) or component ('proxy', 'breaker') that acted. */
  readonly actor: string;
  readonly action: AuditAction;
  readonly route?: string;
  /** Route-level facts only (old/new mode, percent…): never request data. */
  readonly details?: Readonly<Record<string, unknown>>;
  readonly reason?: string;
  /** Where the action came from, e.g. 'admin-api', 'cli', 'dashboard', 'proxy', 'flags'. */
  readonly source: string;
}

export interface AuditEntry {
  readonly seq: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: AuditAction;
  readonly route: string | null;
  readonly details: Readonly<Record<string, unknown>> | null;
  readonly reason: string | null;
  readonly source: string;
  readonly prevHash: string;
  readonly hash: string;
}

export async function appendAudit(db: Kysely<StoreSchema>, input: AuditInput): Promise<AuditEntry> {
  if (input.details !== undefined && (input.details === null || typeof input.details !== 'object' || Array.isArray(input.details))) {
    throw new StoreError('AUDIT_INVALID', 'audit details must be a JSON object');
  }
  const details = input.details === undefined ? null : canonicalJson(input.details);
  return inSerialisedTransaction(db, LOCK_KEYS.audit, async (trx) => {
    const head = await nextPosition(trx);
    const fields = {
      seq: head.seq, atMs: input.at.getTime(), actor: input.actor, action: input.action,
      route: input.route ?? null, details, reason: input.reason ?? null, source: input.source, prevHash: head.prevHash,
    };
    const row: AuditLogTable = {
      seq: fields.seq, at_ms: fields.atMs, actor: fields.actor, action: fields.action, route: fields.route,
      details, reason: fields.reason, source: fields.source, prev_hash: fields.prevHash, hash: hashAuditEntry(fields),
    };
    await trx.insertInto('ficus_audit_log').values(row).execute();
    return toEntry(row);
  });
}

export interface ListAuditQuery {
  /** Default 100, at most 1000. */
  readonly limit?: number;
  readonly route?: string;
  /** Only entries after this seq (for polling). */
  readonly afterSeq?: number;
}

/** Newest first. */
export async function listAudit(db: Kysely<StoreSchema>, query: ListAuditQuery = {}): Promise<AuditEntry[]> {
  let q = db.selectFrom('ficus_audit_log').selectAll();
  if (query.route !== undefined) q = q.where('route', '=', query.route);
  if (query.afterSeq !== undefined) q = q.where('seq', '>', query.afterSeq);
  const rows = await q.orderBy('seq', 'desc').limit(Math.min(Math.max(1, query.limit ?? 100), 1000)).execute();
  return rows.map(toEntry);
}

/**
 * Retention: deletes the oldest entries, those before the first entry at or after `olderThan`
 * (always a prefix of the chain, even if clocks disagreed). The first remaining entry's
 * prev_hash is kept as the anchor, so the rest still verifies and a later deletion is still caught.
 */
export async function purgeAudit(db: Kysely<StoreSchema>, options: { readonly olderThan: Date }): Promise<number> {
  return inSerialisedTransaction(db, LOCK_KEYS.audit, async (trx) => {
    const firstKept = await trx
      .selectFrom('ficus_audit_log').select(['seq', 'prev_hash'])
      .where('at_ms', '>=', options.olderThan.getTime())
      .orderBy('seq').limit(1).executeTakeFirst();
    // Everything is old: the next append's position becomes the anchor, so seq keeps counting.
    const anchor = firstKept ? { seq: Number(firstKept.seq), prevHash: firstKept.prev_hash } : await nextPosition(trx);
    const deleted = await trx.deleteFrom('ficus_audit_log').where('seq', '<', anchor.seq).executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) return 0;
    await trx
      .insertInto('ficus_audit_anchor')
      .values({ id: 1, seq: anchor.seq, prev_hash: anchor.prevHash })
      .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ seq: eb.ref('excluded.seq'), prev_hash: eb.ref('excluded.prev_hash') })))
      .execute();
    return Number(deleted.numDeletedRows);
  });
}

export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

/**
 * The chain's newest entry (after a full purge, the position before the anchor), or undefined for
 * an empty chain. Exported on every append (log and metric): a copy kept outside the store is what
 * catches deleted newest entries, which nothing inside the store can.
 */
export async function readAuditHead(db: Kysely<StoreSchema>): Promise<AuditHead | undefined> {
  const last = await db.selectFrom('ficus_audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (last) return { seq: Number(last.seq), hash: last.hash };
  const anchor = await readAuditAnchor(db);
  return anchor ? { seq: anchor.seq - 1, hash: anchor.prevHash } : undefined;
}

/** Where the next entry goes: after the newest entry, else at the anchor, else at the start. */
async function nextPosition(trx: Transaction<StoreSchema>): Promise<{ seq: number; prevHash: string }> {
  const last = await trx.selectFrom('ficus_audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (last) return { seq: Number(last.seq) + 1, prevHash: last.hash };
  const anchor = await readAuditAnchor(trx);
  return anchor ?? { seq: 1, prevHash: GENESIS_HASH };
}

export async function readAuditAnchor(db: Kysely<StoreSchema>): Promise<{ seq: number; prevHash: string } | undefined> {
  const row = await db.selectFrom('ficus_audit_anchor').select(['seq', 'prev_hash']).where('id', '=', 1).executeTakeFirst();
  return row ? { seq: Number(row.seq), prevHash: row.prev_hash } : undefined;
}

function toEntry(row: AuditLogTable): AuditEntry {
  return {
    seq: Number(row.seq),
    at: new Date(Number(row.at_ms)),
    actor: row.actor,
    action: row.action as AuditAction,
    route: row.route,
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
    reason: row.reason,
    source: row.source,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
