// One writer at a time across every replica sharing the store, for writes that read before they
// write (the audit chain's head, histogram merges). PostgreSQL: a transaction-scoped advisory lock,
// released by commit or rollback even if the process dies. SQLite: our dialect opens every
// transaction with BEGIN IMMEDIATE, which already takes the database's single write lock.
import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import type { StoreSchema } from './schema.ts';
import type { StoreEngine } from './store-url.ts';

/** Advisory lock keys: one per kind of serialised write, so audit appends never wait on stats. */
export const LOCK_KEYS = {
  audit: 0x46696375_0002n,
  stats: 0x46696375_0003n,
  differences: 0x46696375_0004n,
  map: 0x46696375_0005n,
} as const;

export function engineOf(db: Kysely<StoreSchema>): StoreEngine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export function inSerialisedTransaction<T>(
  db: Kysely<StoreSchema>,
  lockKey: bigint,
  work: (trx: Transaction<StoreSchema>) => Promise<T>,
): Promise<T> {
  const engine = engineOf(db);
  return db.transaction().execute(async (trx) => {
    if (engine === 'postgres') await sql`select pg_advisory_xact_lock(${sql.lit(lockKey)})`.execute(trx);
    return work(trx);
  });
}
