// One row naming the store: a random id written when the store is first created, so Ficus can
// tell its own store from an empty or replaced one (store-identity.ts).
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const storeIdentityMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('ficus_store_identity')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('ficus_store_identity').execute();
  },
};
