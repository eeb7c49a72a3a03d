// Retention: the audit log is kept 6 years by default (HIPAA's documentation retention), the
// PHI-free difference aggregates, statistics and the migration map for settings.differenceRetentionDays. Purges run
// once a day on an unref'd timer, so they never keep a stopping process alive.
import type { Kysely } from 'kysely';
import { purgeAudit } from '../store/audit-log.ts';
import { purgeDifferences } from '../store/differences.ts';
import { purgeMapTraffic } from '../store/map-traffic.ts';
import type { StoreSchema } from '../store/schema.ts';
import { purgeStats } from '../store/write-rollups.ts';

const DAY_MS = 86_400_000;

export interface RetentionPolicy {
  readonly auditRetentionYears: number;
  readonly differenceRetentionDays: number;
}

export interface PurgeResult {
  readonly audit: number;
  readonly differences: number;
  readonly stats: number;
  readonly map: number;
}

export async function purgeExpired(db: Kysely<StoreSchema>, policy: RetentionPolicy, now: Date): Promise<PurgeResult> {
  const auditCutoff = new Date(now);
  auditCutoff.setUTCFullYear(auditCutoff.getUTCFullYear() - policy.auditRetentionYears);
  const dataCutoff = new Date(now.getTime() - policy.differenceRetentionDays * DAY_MS);
  return {
    audit: await purgeAudit(db, { olderThan: auditCutoff }),
    differences: await purgeDifferences(db, { olderThan: dataCutoff }),
    stats: await purgeStats(db, { olderThan: dataCutoff }),
    map: await purgeMapTraffic(db, { olderThan: dataCutoff }),
  };
}

export function schedulePurges(deps: {
  db: Kysely<StoreSchema>;
  policy: RetentionPolicy;
  now: () => Date;
  onResult: (result: PurgeResult) => void;
  onError: (error: unknown) => void;
  firstRunMs?: number;
}): { stop(): void } {
  const run = () => void purgeExpired(deps.db, deps.policy, deps.now()).then(deps.onResult, deps.onError);
  const first = setTimeout(run, deps.firstRunMs ?? 60_000);
  const daily = setInterval(run, DAY_MS);
  first.unref();
  daily.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(daily);
    },
  };
}
