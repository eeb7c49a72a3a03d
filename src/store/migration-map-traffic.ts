// The migration map's traffic, kept in the store so it survives restarts and sums across replicas:
// one row per bucket of time, mode (served_as) and PHI-safe template. Rows of the modes carry an
// empty method and template; unmatched rows name their endpoint, or carry an empty template when
// they were counted beyond the cap on distinct templates (shown as "other").
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const mapTrafficMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('ficus_map_traffic')
      .addColumn('bucket_ms', 'bigint', (c) => c.notNull())
      .addColumn('served_as', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('template', 'text', (c) => c.notNull())
      .addColumn('requests', 'bigint', (c) => c.notNull())
      .addColumn('errors', 'bigint', (c) => c.notNull())
      .addColumn('histogram', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ficus_map_traffic_pk', ['bucket_ms', 'served_as', 'method', 'template'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('ficus_map_traffic').execute();
  },
};
