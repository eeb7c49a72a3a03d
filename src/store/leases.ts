// A named lease in the store: the one way replicas agree on who acts alone (the autopilot's pilot).
// One conditional UPDATE takes or renews it — atomic on SQLite and PostgreSQL alike — so no engine-
// specific lock is needed, and a holder that dies simply stops renewing: after `ttlMs` anyone may
// take over. A holder that cannot renew in time (store down, process paused) must stop acting: the
// controller checks the answer of every renewal before deciding.
import type { Kysely } from 'kysely';
import type { StoreSchema } from './schema.ts';

/** Takes the lease if free or expired, renews it if already ours; true when we hold it until now + ttlMs. */
export async function acquireLease(db: Kysely<StoreSchema>, name: string, holder: string, ttlMs: number, nowMs: number): Promise<boolean> {
  const expires = nowMs + ttlMs;
  await db.insertInto('ficus_lease').values({ name, holder, expires_ms: expires }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const result = await db.updateTable('ficus_lease')
    .set({ holder, expires_ms: expires })
    .where('name', '=', name)
    .where((eb) => eb.or([eb('holder', '=', holder), eb('expires_ms', '<', nowMs)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Gives the lease up at once (on drain), so another replica need not wait for it to expire. */
export async function releaseLease(db: Kysely<StoreSchema>, name: string, holder: string): Promise<void> {
  await db.deleteFrom('ficus_lease').where('name', '=', name).where('holder', '=', holder).execute();
}

export async function leaseHolder(db: Kysely<StoreSchema>, name: string, nowMs: number): Promise<string | null> {
  const row = await db.selectFrom('ficus_lease').select(['holder', 'expires_ms']).where('name', '=', name).executeTakeFirst();
  return row && Number(row.expires_ms) >= nowMs ? row.holder : null;
}
