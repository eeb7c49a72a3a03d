// Migrations live in code (not files read at run time) so the build, the Docker image and
// `node src/main.ts` all carry the same set. Append new ones; never edit a released one.
import type { Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import { evidenceByVersion } from './migration-evidence-by-version.ts';
import { mapTrafficMigration } from './migration-map-traffic.ts';
import { storeIdentityMigration } from './migration-store-identity.ts';

const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('ficus_difference')
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('pointer', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('control_type', 'text', (c) => c.notNull())
      .addColumn('candidate_type', 'text', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addColumn('first_seen_ms', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_ms', 'bigint', (c) => c.notNull())
      .addColumn('trace_ids', 'text', (c) => c.notNull())
      .addColumn('control_hmac', 'text')
      .addColumn('candidate_hmac', 'text')
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('accepted', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('accepted_reason', 'text')
      .addColumn('accepted_by', 'text')
      .addColumn('accepted_at_ms', 'bigint')
      .addPrimaryKeyConstraint('ficus_difference_pk', ['route', 'source', 'pointer', 'kind', 'control_type', 'candidate_type'])
      .execute();
    await db.schema.createIndex('ficus_difference_last_seen').on('ficus_difference').column('last_seen_ms').execute();

    await db.schema
      .createTable('ficus_stats_counter')
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('minute_ms', 'bigint', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('ficus_stats_counter_pk', ['route', 'minute_ms', 'name'])
      .execute();
    await db.schema.createIndex('ficus_stats_counter_minute').on('ficus_stats_counter').column('minute_ms').execute();

    await db.schema
      .createTable('ficus_stats_latency')
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('minute_ms', 'bigint', (c) => c.notNull())
      .addColumn('side', 'text', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addColumn('histogram', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ficus_stats_latency_pk', ['route', 'minute_ms', 'side'])
      .execute();
    await db.schema.createIndex('ficus_stats_latency_minute').on('ficus_stats_latency').column('minute_ms').execute();

    await db.schema
      .createTable('ficus_audit_log')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('at_ms', 'bigint', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('route', 'text')
      .addColumn('details', 'text')
      .addColumn('reason', 'text')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('ficus_audit_log_route').on('ficus_audit_log').columns(['route', 'seq']).execute();

    await db.schema
      .createTable('ficus_audit_anchor')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['ficus_audit_anchor', 'ficus_audit_log', 'ficus_stats_latency', 'ficus_stats_counter', 'ficus_difference']) {
      await db.schema.dropTable(table).execute();
    }
  },
};

/**
 * Rollouts (the autopilot's plan state, so it survives restarts and moves between replicas) and
 * leases (exactly one replica decides). Named to sort after the migrations of 2026-11 work in
 * flight, since kysely applies them in name order.
 */
const rollouts: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('ficus_rollout')
      .addColumn('route', 'text', (c) => c.primaryKey())
      .addColumn('plan', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('step', 'integer', (c) => c.notNull())
      .addColumn('step_started_ms', 'bigint', (c) => c.notNull())
      .addColumn('rollbacks', 'integer', (c) => c.notNull())
      .addColumn('approved_step', 'integer')
      .addColumn('dry_run', 'integer', (c) => c.notNull())
      .addColumn('started_by', 'text', (c) => c.notNull())
      .addColumn('updated_ms', 'bigint', (c) => c.notNull())
      .addColumn('last_decision', 'text')
      .execute();
    await db.schema
      .createTable('ficus_lease')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('expires_ms', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('ficus_lease').execute();
    await db.schema.dropTable('ficus_rollout').execute();
  },
};

export const storeMigrations: Readonly<Record<string, Migration>> = {
  '0001_initial': initial,
  '0020_rollouts': rollouts,
  '0021_evidence_by_version': evidenceByVersion,
  '0022_store_identity': storeIdentityMigration,
  '0023_map_traffic': mapTrafficMigration,
};

export const storeMigrationProvider: MigrationProvider = {
  async getMigrations() {
    return { ...storeMigrations };
  },
};
