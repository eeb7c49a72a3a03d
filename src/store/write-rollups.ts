// Flushes minute rollups into the store in one transaction. Counters are upsert-added in SQL;
// histograms are read, merged and written back, which is why the transaction is serialised
// across replicas (two replicas flushing the same route-minute must both land).
import type { Kysely } from 'kysely';
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

/** Retention: deletes rollups of minutes before `olderThan`; returns how many rows. */
export async function purgeStats(db: Kysely<StoreSchema>, options: { readonly olderThan: Date }): Promise<number> {
  const cutoff = options.olderThan.getTime();
  const counters = await db.deleteFrom('ficus_stats_counter').where('minute_ms', '<', cutoff).executeTakeFirst();
  const latency = await db.deleteFrom('ficus_stats_latency').where('minute_ms', '<', cutoff).executeTakeFirst();
  return Number(counters.numDeletedRows) + Number(latency.numDeletedRows);
}
