// Brings the schema to the latest migration. Several replicas start at once against one
// PostgreSQL: kysely's Migrator takes its own advisory lock only after creating its bookkeeping
// tables, so we hold a session-level advisory lock of ours around the whole run. SQLite needs no
// extra lock: our dialect runs the migrator in one BEGIN IMMEDIATE transaction.
import { sql, type Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { storeMigrationProvider } from './migrations.ts';
import type { StoreSchema } from './schema.ts';
import { StoreError } from './store-error.ts';
import type { StoreEngine } from './store-url.ts';

/** Arbitrary, fixed: identifies "Ficus schema migration" among advisory locks in the database. */
const MIGRATION_LOCK_KEY = 0x46696375_0001n;

export interface MigrationOutcome {
  /** Names of migrations applied by this call (empty when the schema was already current). */
  readonly applied: readonly string[];
}

export async function migrateStore(db: Kysely<StoreSchema>, engine: StoreEngine): Promise<MigrationOutcome> {
  const run = () => runMigrator(db);
  if (engine === 'sqlite') return run();
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(conn);
    try {
      return await run();
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(conn);
    }
  });
}

async function runMigrator(db: Kysely<StoreSchema>): Promise<MigrationOutcome> {
  const migrator = new Migrator({ db, provider: storeMigrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new StoreError('STORE_MIGRATION', `store migration ${failed ?? ''} failed: ${errorMessage(error)}`.replace('  ', ' '), { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
