// Migration 0021: the evidence readiness judges becomes re-scorable and per new-service version.
// - ficus_stats_comparison: comparison counters (verdicts, status pairs, mismatches by signature
//   set) per route, minute and version; the existing compared:/status: rows move here as version ''.
// - ficus_signature_set: which difference signatures a mismatch-set id stands for.
// - ficus_service_version: first/last time each version was seen (the dashboard's history).
// - ficus_accepted_difference: acceptance of a signature (route + pointer template + kind), kept
//   apart from the difference rows so it survives their retention and covers rows recorded later.
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const evidenceByVersion: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('ficus_stats_comparison')
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('minute_ms', 'bigint', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('ficus_stats_comparison_pk', ['route', 'version', 'minute_ms', 'name'])
      .execute();
    await db.schema.createIndex('ficus_stats_comparison_minute').on('ficus_stats_comparison').column('minute_ms').execute();
    await sql`insert into ficus_stats_comparison (route, minute_ms, version, name, value)
      select route, minute_ms, '', name, value from ficus_stats_counter where name like 'compared:%' or name like 'status:%'`.execute(db);
    await sql`delete from ficus_stats_counter where name like 'compared:%' or name like 'status:%'`.execute(db);

    await db.schema
      .createTable('ficus_signature_set')
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('set_id', 'text', (c) => c.notNull())
      .addColumn('signatures', 'text', (c) => c.notNull())
      .addColumn('last_seen_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('ficus_signature_set_pk', ['route', 'set_id'])
      .execute();

    await db.schema
      .createTable('ficus_service_version')
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('first_seen_ms', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('ficus_service_version_pk', ['route', 'version'])
      .execute();

    await db.schema
      .createTable('ficus_accepted_difference')
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('pointer', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('at_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('ficus_accepted_difference_pk', ['route', 'pointer', 'kind'])
      .execute();
    await sql`insert into ficus_accepted_difference (route, pointer, kind, reason, actor, at_ms)
      select route, pointer, kind, max(accepted_reason), max(accepted_by), max(accepted_at_ms)
      from ficus_difference where accepted = 1 group by route, pointer, kind`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`insert into ficus_stats_counter (route, minute_ms, name, value)
      select route, minute_ms, name, sum(value) from ficus_stats_comparison where name not like 'mismatch-set:%' group by route, minute_ms, name`.execute(db);
    for (const table of ['ficus_accepted_difference', 'ficus_service_version', 'ficus_signature_set', 'ficus_stats_comparison']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
