// The migration map's rows in the store (table ficus_map_traffic, migration 0023). Written in
// batches by the map's recorder (src/discovery): counts are upsert-added in SQL and histograms read,
// merged and written back, in a transaction serialised across replicas like the stats rollups, so
// two replicas flushing the same bucket both land. Read per window: sums in SQL, the busiest
// templates first, histograms only for the templates shown.
import { sql, type Kysely } from 'kysely';
import { mergeHistogram, parseHistogram, serializeHistogram, type Histogram } from './histogram.ts';
import type { StoreSchema } from './schema.ts';
import { inSerialisedTransaction, LOCK_KEYS } from './serialised-transaction.ts';

export interface MapTrafficRow {
  readonly bucketMs: number;
  readonly servedAs: string;
  /** '' on a mode's row and on an unmatched row counted beyond the template cap. */
  readonly method: string;
  readonly template: string;
  readonly requests: number;
  readonly errors: number;
  readonly latency: Histogram;
}

export async function writeMapTraffic(db: Kysely<StoreSchema>, rows: readonly MapTrafficRow[]): Promise<void> {
  if (rows.length === 0) return;
  await inSerialisedTransaction(db, LOCK_KEYS.map, async (trx) => {
    const buckets = [...new Set(rows.map((r) => r.bucketMs))];
    const existing = new Map<string, string>();
    for (let i = 0; i < buckets.length; i += 500) {
      const found = await trx.selectFrom('ficus_map_traffic')
        .select(['bucket_ms', 'served_as', 'method', 'template', 'histogram'])
        .where('bucket_ms', 'in', buckets.slice(i, i + 500))
        .execute();
      for (const row of found) existing.set(keyOf(Number(row.bucket_ms), row.served_as, row.method, row.template), row.histogram);
    }
    const values = rows.map((r) => {
      const before = existing.get(keyOf(r.bucketMs, r.servedAs, r.method, r.template));
      const merged = before === undefined ? r.latency : mergeHistogram(parseHistogram(before), r.latency);
      return { bucket_ms: r.bucketMs, served_as: r.servedAs, method: r.method, template: r.template, requests: r.requests, errors: r.errors, histogram: serializeHistogram(merged) };
    });
    // Chunked: PostgreSQL allows at most 65535 bind parameters per statement.
    for (let i = 0; i < values.length; i += 500) {
      await trx.insertInto('ficus_map_traffic')
        .values(values.slice(i, i + 500))
        .onConflict((oc) => oc.columns(['bucket_ms', 'served_as', 'method', 'template']).doUpdateSet((eb) => ({
          requests: eb(eb.ref('ficus_map_traffic.requests'), '+', eb.ref('excluded.requests')),
          errors: eb(eb.ref('ficus_map_traffic.errors'), '+', eb.ref('excluded.errors')),
          histogram: eb.ref('excluded.histogram'),
        })))
        .execute();
    }
  });
}

export interface MapTotals {
  readonly servedAs: string;
  readonly requests: number;
  readonly errors: number;
}

/** Requests and errors per mode since `sinceMs` (unmatched includes the "other" rows). */
export async function readMapTotals(db: Kysely<StoreSchema>, sinceMs: number): Promise<MapTotals[]> {
  const rows = await db.selectFrom('ficus_map_traffic')
    .select(['served_as', sql<string>`sum(requests)`.as('requests'), sql<string>`sum(errors)`.as('errors')])
    .where('bucket_ms', '>=', sinceMs)
    .groupBy('served_as')
    .execute();
  return rows.map((r) => ({ servedAs: r.served_as, requests: Number(r.requests), errors: Number(r.errors) }));
}

export interface MapTemplateTotals {
  readonly method: string;
  readonly template: string;
  readonly requests: number;
  readonly errors: number;
}

/** The `limit` busiest unmatched templates since `sinceMs`, as stored (before re-masking). */
export async function readMapTemplates(db: Kysely<StoreSchema>, sinceMs: number, limit: number): Promise<MapTemplateTotals[]> {
  const rows = await db.selectFrom('ficus_map_traffic')
    .select(['method', 'template', sql<string>`sum(requests)`.as('requests'), sql<string>`sum(errors)`.as('errors')])
    .where('bucket_ms', '>=', sinceMs)
    .where('served_as', '=', 'unmatched')
    .where('template', '!=', '')
    .groupBy(['method', 'template'])
    .orderBy(sql`sum(requests)`, 'desc')
    .orderBy('template')
    .orderBy('method')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ method: r.method, template: r.template, requests: Number(r.requests), errors: Number(r.errors) }));
}

/** The merged latency histogram of each of these unmatched templates since `sinceMs`. */
export async function readMapLatency(db: Kysely<StoreSchema>, sinceMs: number, keys: readonly { method: string; template: string }[]): Promise<Map<string, Histogram>> {
  const wanted = new Set(keys.map((k) => templateKey(k.method, k.template)));
  const templates = [...new Set(keys.map((k) => k.template))];
  const out = new Map<string, Histogram>();
  for (let i = 0; i < templates.length; i += 200) {
    const rows = await db.selectFrom('ficus_map_traffic')
      .select(['method', 'template', 'histogram'])
      .where('bucket_ms', '>=', sinceMs)
      .where('served_as', '=', 'unmatched')
      .where('template', 'in', templates.slice(i, i + 200))
      .execute();
    for (const row of rows) {
      const key = templateKey(row.method, row.template);
      if (!wanted.has(key)) continue;
      const h = parseHistogram(row.histogram);
      const into = out.get(key);
      out.set(key, into ? mergeHistogram(into, h) : h);
    }
  }
  return out;
}

export function templateKey(method: string, template: string): string {
  return `${method} ${template}`;
}

/** Retention: deletes the map's buckets before `olderThan`; returns how many rows. */
export async function purgeMapTraffic(db: Kysely<StoreSchema>, options: { readonly olderThan: Date }): Promise<number> {
  const result = await db.deleteFrom('ficus_map_traffic').where('bucket_ms', '<', options.olderThan.getTime()).executeTakeFirst();
  return Number(result.numDeletedRows);
}

function keyOf(bucketMs: number, servedAs: string, method: string, template: string): string {
  return `${bucketMs}\u0000${servedAs}\u0000${method}\u0000${template}`;
}
