// The differences repository: PHI-safe difference records aggregated per
// (route, source, pointer template, kind, JSON types). Values never reach this file — only
// templates, kinds, types and keyed HMACs (see DifferenceRecord).
import type { Kysely } from 'kysely';
import type { DifferenceKind, DifferenceRecord, DifferenceSource, JsonType } from '../compare/types.ts';
import type { StoreSchema } from './schema.ts';
import { inSerialisedTransaction, LOCK_KEYS } from './serialised-transaction.ts';

const MAX_TRACE_IDS = 5;

export interface DifferenceObservation {
  readonly record: DifferenceRecord;
  /** How many times this record was seen since the last call (usually 1). */
  readonly count: number;
  readonly seenAt: Date;
  readonly traceId?: string;
}

export interface DifferenceRow {
  readonly route: string;
  readonly source: DifferenceSource;
  readonly pointer: string;
  readonly kind: DifferenceKind;
  readonly controlType: JsonType;
  readonly candidateType: JsonType;
  readonly count: number;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
  readonly accepted: boolean;
  readonly acceptedReason: string | null;
  readonly acceptedBy: string | null;
  /** Most recent first; lets an operator open the traces without the store holding any payload. */
  readonly traceIds: readonly string[];
  /** Id of the key the latest HMACs were made with (keys rotate; older rows keep their id). */
  readonly keyId: string;
}

interface Aggregate {
  record: DifferenceRecord;
  count: number;
  firstMs: number;
  lastMs: number;
  traceIds: string[];
}

/** Adds observations to the aggregates. Serialised across replicas so trace ids are not lost. */
export async function recordDifferences(db: Kysely<StoreSchema>, rows: readonly DifferenceObservation[]): Promise<void> {
  const aggregates = aggregate(rows);
  if (aggregates.length === 0) return;
  await inSerialisedTransaction(db, LOCK_KEYS.differences, async (trx) => {
    for (const a of aggregates) {
      const r = a.record;
      const existing = await trx
        .selectFrom('ficus_difference')
        .select(['trace_ids', 'last_seen_ms'])
        .where('route', '=', r.route).where('source', '=', r.source).where('pointer', '=', r.pointer)
        .where('kind', '=', r.kind).where('control_type', '=', r.controlType).where('candidate_type', '=', r.candidateType)
        .executeTakeFirst();
      const traceIds = existing && existing.last_seen_ms > a.lastMs
        ? mergeTraceIds(JSON.parse(existing.trace_ids) as string[], a.traceIds)
        : mergeTraceIds(a.traceIds, existing ? (JSON.parse(existing.trace_ids) as string[]) : []);
      const newest = !existing || a.lastMs >= existing.last_seen_ms;
      await trx
        .insertInto('ficus_difference')
        .values({
          route: r.route, source: r.source, pointer: r.pointer, kind: r.kind,
          control_type: r.controlType, candidate_type: r.candidateType,
          count: a.count, first_seen_ms: a.firstMs, last_seen_ms: a.lastMs,
          trace_ids: JSON.stringify(traceIds),
          control_hmac: r.controlHmac, candidate_hmac: r.candidateHmac, key_id: r.keyId,
          accepted_reason: null, accepted_by: null, accepted_at_ms: null,
        })
        .onConflict((oc) =>
          oc.columns(['route', 'source', 'pointer', 'kind', 'control_type', 'candidate_type']).doUpdateSet((eb) => ({
            count: eb(eb.ref('ficus_difference.count'), '+', eb.ref('excluded.count')),
            first_seen_ms: eb.case().when(eb.ref('excluded.first_seen_ms'), '<', eb.ref('ficus_difference.first_seen_ms'))
              .then(eb.ref('excluded.first_seen_ms')).else(eb.ref('ficus_difference.first_seen_ms')).end(),
            last_seen_ms: eb.case().when(eb.ref('excluded.last_seen_ms'), '>', eb.ref('ficus_difference.last_seen_ms'))
              .then(eb.ref('excluded.last_seen_ms')).else(eb.ref('ficus_difference.last_seen_ms')).end(),
            trace_ids: eb.ref('excluded.trace_ids'),
            ...(newest
              ? { control_hmac: eb.ref('excluded.control_hmac'), candidate_hmac: eb.ref('excluded.candidate_hmac'), key_id: eb.ref('excluded.key_id') }
              : {}),
          })),
        )
        .execute();
    }
  });
}

export interface ListDifferencesQuery {
  readonly route?: string;
  readonly source?: DifferenceSource;
  /** Default 100, at most 1000. */
  readonly limit?: number;
}

/** Most frequent first. Accepted rows are listed too (marked, see accepted-differences.ts), never hidden. */
export async function listDifferences(db: Kysely<StoreSchema>, query: ListDifferencesQuery = {}): Promise<DifferenceRow[]> {
  let q = db.selectFrom('ficus_difference as d')
    .leftJoin('ficus_accepted_difference as a', (join) => join.onRef('a.route', '=', 'd.route').onRef('a.pointer', '=', 'd.pointer').onRef('a.kind', '=', 'd.kind'))
    .select(['d.route', 'd.source', 'd.pointer', 'd.kind', 'd.control_type', 'd.candidate_type', 'd.count', 'd.first_seen_ms', 'd.last_seen_ms', 'd.trace_ids', 'd.key_id'])
    .select(['a.reason as accepted_reason', 'a.actor as accepted_by']);
  if (query.route !== undefined) q = q.where('d.route', '=', query.route);
  if (query.source !== undefined) q = q.where('d.source', '=', query.source);
  const rows = await q
    .orderBy('d.count', 'desc').orderBy('d.last_seen_ms', 'desc').orderBy('d.route').orderBy('d.pointer')
    .limit(Math.min(Math.max(1, query.limit ?? 100), 1000))
    .execute();
  return rows.map((row) => ({
    route: row.route,
    source: row.source as DifferenceSource,
    pointer: row.pointer,
    kind: row.kind as DifferenceKind,
    controlType: row.control_type as JsonType,
    candidateType: row.candidate_type as JsonType,
    count: Number(row.count),
    firstSeen: new Date(Number(row.first_seen_ms)),
    lastSeen: new Date(Number(row.last_seen_ms)),
    accepted: row.accepted_reason !== null,
    acceptedReason: row.accepted_reason,
    acceptedBy: row.accepted_by,
    traceIds: JSON.parse(row.trace_ids) as string[],
    keyId: row.key_id,
  }));
}

/** Retention: deletes aggregates not seen since `olderThan`; returns how many. */
export async function purgeDifferences(db: Kysely<StoreSchema>, options: { readonly olderThan: Date }): Promise<number> {
  const result = await db.deleteFrom('ficus_difference').where('last_seen_ms', '<', options.olderThan.getTime()).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The row a record adds to: one per route, source, pointer template, kind and JSON types. */
export function aggregateKeyOf(r: DifferenceRecord): string {
  return JSON.stringify([r.route, r.source, r.pointer, r.kind, r.controlType, r.candidateType]);
}

function aggregate(rows: readonly DifferenceObservation[]): Aggregate[] {
  const byKey = new Map<string, Aggregate>();
  const sorted = [...rows].sort((a, b) => a.seenAt.getTime() - b.seenAt.getTime());
  for (const row of sorted) {
    if (row.count <= 0) continue;
    const r = row.record;
    const key = aggregateKeyOf(r);
    const ms = row.seenAt.getTime();
    const a = byKey.get(key) ?? { record: r, count: 0, firstMs: ms, lastMs: ms, traceIds: [] };
    a.record = r; // rows are sorted oldest first, so the last one carries the newest HMACs
    a.count += row.count;
    a.lastMs = ms;
    if (row.traceId) a.traceIds = mergeTraceIds([row.traceId], a.traceIds);
    byKey.set(key, a);
  }
  return [...byKey.values()];
}

function mergeTraceIds(newer: readonly string[], older: readonly string[]): string[] {
  return [...new Set([...newer, ...older])].slice(0, MAX_TRACE_IDS);
}
