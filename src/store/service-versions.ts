// The versions of a route's new service seen so far, newest first: the first is the one readiness
// judges. "Newest" is the one seen last (to the minute); a tie — two versions answering in the same
// minute during a rolling deploy — goes to the one that appeared later. A rollback makes the old
// version current again as soon as it is seen alone.
import type { Kysely } from 'kysely';
import type { StoreSchema } from './schema.ts';

export interface ServiceVersion {
  readonly version: string;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
}

export async function listServiceVersions(db: Kysely<StoreSchema>, route: string, limit = 20): Promise<ServiceVersion[]> {
  const rows = await db
    .selectFrom('ficus_service_version')
    .select(['version', 'first_seen_ms', 'last_seen_ms'])
    .where('route', '=', route)
    .orderBy('last_seen_ms', 'desc').orderBy('first_seen_ms', 'desc').orderBy('version', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ version: row.version, firstSeen: new Date(Number(row.first_seen_ms)), lastSeen: new Date(Number(row.last_seen_ms)) }));
}
