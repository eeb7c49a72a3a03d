// Rollout state in the store, so a plan survives restarts and a new pilot replica picks it up
// where the last one left it.
import type { Kysely } from 'kysely';
import type { RolloutTable, StoreSchema } from './schema.ts';

export type RolloutRow = RolloutTable;

export async function saveRollout(db: Kysely<StoreSchema>, row: RolloutRow): Promise<void> {
  const { route: _route, ...rest } = row;
  await db.insertInto('ficus_rollout').values(row).onConflict((oc) => oc.column('route').doUpdateSet(rest)).execute();
}

/** Saves only when the stored row still has `expectedUpdatedMs` (nobody changed it meanwhile); true when saved. */
export async function saveRolloutIfUnchanged(db: Kysely<StoreSchema>, row: RolloutRow, expectedUpdatedMs: number): Promise<boolean> {
  const { route, ...rest } = row;
  const result = await db.updateTable('ficus_rollout').set(rest).where('route', '=', route).where('updated_ms', '=', expectedUpdatedMs).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function loadRollout(db: Kysely<StoreSchema>, route: string): Promise<RolloutRow | undefined> {
  const row = await db.selectFrom('ficus_rollout').selectAll().where('route', '=', route).executeTakeFirst();
  return row ? numeric(row) : undefined;
}

export async function listRollouts(db: Kysely<StoreSchema>): Promise<RolloutRow[]> {
  return (await db.selectFrom('ficus_rollout').selectAll().orderBy('route').execute()).map(numeric);
}

function numeric(row: RolloutRow): RolloutRow {
  // pg returns int8 as numbers already (open-store sets the parser); SQLite may hand back bigint.
  return { ...row, step: Number(row.step), step_started_ms: Number(row.step_started_ms), rollbacks: Number(row.rollbacks), updated_ms: Number(row.updated_ms), dry_run: Number(row.dry_run), approved_step: row.approved_step === null ? null : Number(row.approved_step) };
}
