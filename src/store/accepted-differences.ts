// Acceptance of a difference signature (route + pointer template + kind): "this difference is
// expected". Kept in its own table rather than as a marker on the difference rows, so it covers rows
// recorded later (other JSON types, other sources), survives the rows' retention, and re-scores the
// mismatch rollups — readiness reads it to count comparisons with only accepted differences as matched.
import type { Kysely } from 'kysely';
import type { DifferenceKind } from '../compare/types.ts';
import { differenceSignature } from '../compare/difference-signature.ts';
import type { StoreSchema } from './schema.ts';

export interface AcceptDifference {
  readonly route: string;
  readonly pointer: string;
  readonly kind: DifferenceKind;
  readonly reason: string;
  readonly actor: string;
  readonly at: Date;
}

export interface Acceptance {
  readonly reason: string;
  readonly actor: string;
  readonly at: Date;
}

/**
 * Accepts (route, pointer, kind) if any difference row carries it; returns how many rows it covers
 * (0: nothing recorded, nothing accepted). Accepting again replaces the reason.
 */
export async function acceptDifference(db: Kysely<StoreSchema>, accept: AcceptDifference): Promise<number> {
  const rows = await countRows(db, accept.route, accept.pointer, accept.kind);
  if (rows === 0) return 0;
  await db
    .insertInto('ficus_accepted_difference')
    .values({ route: accept.route, pointer: accept.pointer, kind: accept.kind, reason: accept.reason, actor: accept.actor, at_ms: accept.at.getTime() })
    .onConflict((oc) => oc.columns(['route', 'pointer', 'kind']).doUpdateSet((eb) => ({
      reason: eb.ref('excluded.reason'), actor: eb.ref('excluded.actor'), at_ms: eb.ref('excluded.at_ms'),
    })))
    .execute();
  return rows;
}

/** Withdraws an acceptance; returns the acceptance withdrawn, or null when there was none. */
export async function revokeAcceptance(db: Kysely<StoreSchema>, route: string, pointer: string, kind: DifferenceKind): Promise<Acceptance | null> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('ficus_accepted_difference').select(['reason', 'actor', 'at_ms'])
      .where('route', '=', route).where('pointer', '=', pointer).where('kind', '=', kind).executeTakeFirst();
    if (!row) return null;
    await trx.deleteFrom('ficus_accepted_difference').where('route', '=', route).where('pointer', '=', pointer).where('kind', '=', kind).execute();
    return { reason: row.reason, actor: row.actor, at: new Date(Number(row.at_ms)) };
  });
}

/** The accepted signatures of a route (see differenceSignature). */
export async function listAcceptedSignatures(db: Kysely<StoreSchema>, route: string): Promise<Set<string>> {
  const rows = await db.selectFrom('ficus_accepted_difference').select(['pointer', 'kind']).where('route', '=', route).execute();
  return new Set(rows.map((row) => differenceSignature(row)));
}

async function countRows(db: Kysely<StoreSchema>, route: string, pointer: string, kind: string): Promise<number> {
  const row = await db.selectFrom('ficus_difference').select((eb) => eb.fn.countAll<number>().as('rows'))
    .where('route', '=', route).where('pointer', '=', pointer).where('kind', '=', kind).executeTakeFirst();
  return Number(row?.rows ?? 0);
}
