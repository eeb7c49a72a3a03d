// Flushes minute rollups into the store in one transaction. Counters are upsert-added in SQL;
// histograms are read, merged and written back, which is why the transaction is serialised
// across replicas (two replicas flushing the same route-minute must both land).
import type { Kysely, Transaction } from 'kysely';
import { mergeHistogram, parseHistogram, serializeHistogram } from './histogram.ts';
import type { StoreSchema } from './schema.ts';
import { inSerialisedTransaction, LOCK_KEYS } from './serialised-transaction.ts';
import type { MinuteRollup } from './stats-rollup.ts';

export async function writeRollups(db: Kysely<StoreSchema>, rollups: readonly MinuteRollup[]): Promise<void> {
  if (rollups.length === 0) return;
  await inSerialisedTransaction(db, LOCK_KEYS.stats, async (trx) => {
    const counterRows = rollups.flatMap((r) =>
      [...r.counters].map(([name, value]) => ({ route: r.route, minute_ms: r.minuteMs, name, value })),
    );
    // Chunked: PostgreSQL allows at most 65535 bind parameters per statement.
    for (let i = 0; i < counterRows.length; i += 500) {
      await trx
        .insertInto('ficus_stats_counter')
        .values(counterRows.slice(i, i + 500))
        .onConflict((oc) =>
          oc.columns(['route', 'minute_ms', 'name']).doUpdateSet((eb) => ({
            value: eb(eb.ref('ficus_stats_counter.value'), '+', eb.ref('excluded.value')),
          })),
        )
        .execute();
    }
    await writeComparisons(trx, rollups);
    for (const r of rollups) {
      for (const side of ['legacy', 'new'] as const) {
        const h = r.latency[side];
        if (!h || h.count === 0) continue;
        const existing = await trx
          .selectFrom('ficus_stats_latency')
          .select('histogram')
          .where('route', '=', r.route).where('minute_ms', '=', r.minuteMs).where('side', '=', side)
          .executeTakeFirst();
        const merged = existing ? mergeHistogram(parseHistogram(existing.histogram), h) : h;
        await trx
          .insertInto('ficus_stats_latency')
          .values({ route: r.route, minute_ms: r.minuteMs, side, count: merged.count, histogram: serializeHistogram(merged) })
          .onConflict((oc) =>
            oc.columns(['route', 'minute_ms', 'side']).doUpdateSet((eb) => ({
              count: eb.ref('excluded.count'),
              histogram: eb.ref('excluded.histogram'),
            })),
          )
          .execute();
      }
    }
  });
}

/** Per-version comparison counters, the signature sets they name, and when each version was seen. */
async function writeComparisons(trx: Transaction<StoreSchema>, rollups: readonly MinuteRollup[]): Promise<void> {
  const rows = rollups.flatMap((r) =>
    [...r.comparisons].flatMap(([version, counters]) => [...counters].map(([name, value]) => ({ route: r.route, minute_ms: r.minuteMs, version, name, value }))),
  );
  for (let i = 0; i < rows.length; i += 400) {
    await trx
      .insertInto('ficus_stats_comparison')
      .values(rows.slice(i, i + 400))
      .onConflict((oc) =>
        oc.columns(['route', 'version', 'minute_ms', 'name']).doUpdateSet((eb) => ({
          value: eb(eb.ref('ficus_stats_comparison.value'), '+', eb.ref('excluded.value')),
        })),
      )
      .execute();
  }
  // One row per key and statement: PostgreSQL refuses an upsert that touches a row twice.
  const setRows = new Map<string, { route: string; set_id: string; signatures: string; last_seen_ms: number }>();
  const versionRows = new Map<string, { route: string; version: string; first_seen_ms: number; last_seen_ms: number }>();
  for (const r of rollups) {
    for (const [setId, signatures] of r.signatureSets) {
      const key = `${r.route}\u0000${setId}`;
      const row = setRows.get(key);
      if (row) row.last_seen_ms = Math.max(row.last_seen_ms, r.minuteMs);
      else setRows.set(key, { route: r.route, set_id: setId, signatures: JSON.stringify(signatures), last_seen_ms: r.minuteMs });
    }
    for (const version of r.comparisons.keys()) {
      if (version === '') continue;
      const key = `${r.route}\u0000${version}`;
      const row = versionRows.get(key);
      if (!row) versionRows.set(key, { route: r.route, version, first_seen_ms: r.minuteMs, last_seen_ms: r.minuteMs });
      else {
        row.first_seen_ms = Math.min(row.first_seen_ms, r.minuteMs);
        row.last_seen_ms = Math.max(row.last_seen_ms, r.minuteMs);
      }
    }
  }
  const sets = [...setRows.values()];
  for (let i = 0; i < sets.length; i += 500) {
    await trx
      .insertInto('ficus_signature_set')
      .values(sets.slice(i, i + 500))
      .onConflict((oc) => oc.columns(['route', 'set_id']).doUpdateSet((eb) => ({
        // CASE rather than GREATEST/MAX: the two engines spell "the larger of two" differently.
        last_seen_ms: eb.case().when(eb.ref('excluded.last_seen_ms'), '>', eb.ref('ficus_signature_set.last_seen_ms'))
          .then(eb.ref('excluded.last_seen_ms')).else(eb.ref('ficus_signature_set.last_seen_ms')).end(),
      })))
      .execute();
  }
  const versions = [...versionRows.values()];
  for (let i = 0; i < versions.length; i += 500) {
    await trx
      .insertInto('ficus_service_version')
      .values(versions.slice(i, i + 500))
      .onConflict((oc) =>
        oc.columns(['route', 'version']).doUpdateSet((eb) => ({
          first_seen_ms: eb.case().when(eb.ref('excluded.first_seen_ms'), '<', eb.ref('ficus_service_version.first_seen_ms'))
            .then(eb.ref('excluded.first_seen_ms')).else(eb.ref('ficus_service_version.first_seen_ms')).end(),
          last_seen_ms: eb.case().when(eb.ref('excluded.last_seen_ms'), '>', eb.ref('ficus_service_version.last_seen_ms'))
            .then(eb.ref('excluded.last_seen_ms')).else(eb.ref('ficus_service_version.last_seen_ms')).end(),
        })),
      )
      .execute();
  }
}

/** Retention: deletes rollups of minutes before `olderThan`; returns how many rows. */
export async function purgeStats(db: Kysely<StoreSchema>, options: { readonly olderThan: Date }): Promise<number> {
  const cutoff = options.olderThan.getTime();
  let deleted = 0;
  for (const table of ['ficus_stats_counter', 'ficus_stats_latency', 'ficus_stats_comparison'] as const) {
    deleted += Number((await db.deleteFrom(table).where('minute_ms', '<', cutoff).executeTakeFirst()).numDeletedRows);
  }
  for (const table of ['ficus_signature_set', 'ficus_service_version'] as const) {
    deleted += Number((await db.deleteFrom(table).where('last_seen_ms', '<', cutoff).executeTakeFirst()).numDeletedRows);
  }
  return deleted;
}
