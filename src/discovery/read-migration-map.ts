// The migration map over a window, from the store (so every replica's traffic, and traffic from
// before a restart, counts): the share of each mode, and the busiest unmatched templates under
// today's vocabulary, at most `maxTemplates` of them per window — the rest is "other", counted.
import type { Kysely } from 'kysely';
import { createHistogram, mergeHistogram, percentile, type Histogram } from '../store/histogram.ts';
import { readMapLatency, readMapTemplates, readMapTotals, templateKey } from '../store/map-traffic.ts';
import type { StoreSchema } from '../store/schema.ts';
import { MAP_BUCKET_MS, SERVED_AS, type ServedAs } from './map-buffer.ts';
import { remaskTemplate } from './path-template.ts';

export interface MapEntry {
  readonly method: string;
  readonly template: string;
  readonly requests: number;
  readonly errors: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** Share of all requests in the window, 0..1. */
  readonly share: number;
}

export interface MigrationMapSnapshot {
  /** Start of the first bucket read: windows are read in whole 5-minute buckets. */
  readonly since: string;
  readonly total: number;
  readonly byServedAs: Readonly<Record<ServedAs, number>>;
  /** Unmatched endpoints, most requested first (at most `limit`). */
  readonly unmigrated: readonly MapEntry[];
  /** Distinct unmatched templates in the window (at most the cap). */
  readonly templates: number;
  /** Unmatched requests beyond the cap on distinct templates: counted, never attributed. */
  readonly other: { readonly requests: number; readonly errors: number };
}

export interface ReadMapOptions {
  readonly nowMs: number;
  readonly windowMs: number;
  readonly limit: number;
  readonly maxTemplates: number;
  readonly vocabulary: ReadonlySet<string>;
}

export async function readMigrationMap(db: Kysely<StoreSchema>, options: ReadMapOptions): Promise<MigrationMapSnapshot> {
  const start = options.nowMs - options.windowMs;
  const sinceMs = start - (((start % MAP_BUCKET_MS) + MAP_BUCKET_MS) % MAP_BUCKET_MS);
  const totals = await readMapTotals(db, sinceMs);
  const byServedAs = Object.fromEntries(SERVED_AS.map((s) => [s, 0])) as Record<ServedAs, number>;
  let unmatchedErrors = 0;
  for (const t of totals) {
    if (!(SERVED_AS as readonly string[]).includes(t.servedAs)) continue;
    byServedAs[t.servedAs as ServedAs] += t.requests;
    if (t.servedAs === 'unmatched') unmatchedErrors = t.errors;
  }
  const total = SERVED_AS.reduce((sum, s) => sum + byServedAs[s], 0);

  // Stored templates merged under today's vocabulary (several may become one).
  const merged = new Map<string, { method: string; template: string; requests: number; errors: number; stored: { method: string; template: string }[] }>();
  for (const row of await readMapTemplates(db, sinceMs, options.maxTemplates)) {
    const template = remaskTemplate(row.template, options.vocabulary);
    const key = templateKey(row.method, template);
    const entry = merged.get(key) ?? { method: row.method, template, requests: 0, errors: 0, stored: [] };
    entry.requests += row.requests;
    entry.errors += row.errors;
    entry.stored.push({ method: row.method, template: row.template });
    merged.set(key, entry);
  }
  const attributed = [...merged.values()].reduce((sum, e) => ({ requests: sum.requests + e.requests, errors: sum.errors + e.errors }), { requests: 0, errors: 0 });
  const top = [...merged.values()]
    .sort((a, b) => b.requests - a.requests || a.template.localeCompare(b.template) || a.method.localeCompare(b.method))
    .slice(0, options.limit);
  const latency = await readMapLatency(db, sinceMs, top.flatMap((e) => e.stored));
  const unmigrated = top.map((e) => {
    const h: Histogram = createHistogram();
    for (const s of e.stored) {
      const part = latency.get(templateKey(s.method, s.template));
      if (part) mergeHistogram(h, part);
    }
    return { method: e.method, template: e.template, requests: e.requests, errors: e.errors, p50Ms: percentile(h, 0.5), p99Ms: percentile(h, 0.99), share: total === 0 ? 0 : e.requests / total };
  });
  return {
    since: new Date(sinceMs).toISOString(),
    total,
    byServedAs,
    unmigrated,
    templates: merged.size,
    other: { requests: Math.max(0, byServedAs.unmatched - attributed.requests), errors: Math.max(0, unmatchedErrors - attributed.errors) },
  };
}
