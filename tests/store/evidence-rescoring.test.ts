// Build 3 and 4 of issue 9 at the store: an acceptance re-scores the mismatches already in the
// rollups (and a revoke un-scores them), and evidence is kept per new-service version, the latest
// judged, a new version starting from zero. On SQLite and PostgreSQL.
import { Migrator } from 'kysely/migration';
import { describe, expect, it } from 'vitest';
import type { ExchangeObservation } from '../../src/compare/evidence.ts';
import type { DifferenceRecord } from '../../src/compare/types.ts';
import {
  acceptDifference, createStatsRecorder, listServiceVersions, purgeStats, readRouteEvidence, recordDifferences, revokeAcceptance,
} from '../../src/store/index.ts';
import { storeMigrationProvider } from '../../src/store/migrations.ts';
import { MAX_SIGNATURE_SETS } from '../../src/store/stats-rollup.ts';
import { testEngines } from '../support/store/engines.ts';

const T0 = new Date('2026-05-01T10:00:00Z');
const route = 'patient-read';
const BIRTH = 'removed /birthDate';
const NAME = 'removed /name/*/text';

const compared = (verdict: 'match' | 'mismatch' | 'uncomparable', extra: Partial<Extract<ExchangeObservation, { type: 'compared' }>> = {}): ExchangeObservation =>
  ({ type: 'compared', route, verdict, legacyStatus: '2xx', newStatus: verdict === 'uncomparable' ? 'timeout' : '2xx', ...extra });

function difference(pointer: string): DifferenceRecord {
  return { route, source: 'shadow', pointer, kind: 'removed', controlType: 'string', candidateType: 'absent', controlHmac: 'a'.repeat(64), candidateHmac: null, keyId: 'k1' };
}

describe.each(testEngines())('evidence re-scoring and versions on $name', (engine) => {
  async function collect(db: Parameters<typeof createStatsRecorder>[0]['db'], observations: readonly [number, ExchangeObservation][]) {
    let ms = T0.getTime();
    const errors: unknown[] = [];
    const stats = createStatsRecorder({ db, now: () => new Date(ms), flushIntervalMs: 60_000, onError: (e) => errors.push(e) });
    for (const [minute, o] of observations) {
      ms = T0.getTime() + minute * 60_000;
      stats.observe(o);
    }
    await stats.close();
    expect(errors).toEqual([]);
  }

  it('an acceptance made after the fact re-scores the mismatches already collected, and a revoke un-scores them', async () => {
    const { db } = await engine.freshStore();
    await collect(db, [
      ...Array.from({ length: 90 }, (_, i) => [i % 3, compared('match')] as [number, ExchangeObservation]),
      ...Array.from({ length: 6 }, (_, i) => [i % 3, compared('mismatch', { signatures: [BIRTH] })] as [number, ExchangeObservation]),
      ...Array.from({ length: 3 }, (_, i) => [i, compared('mismatch', { signatures: [NAME, BIRTH] })] as [number, ExchangeObservation]),
      [2, compared('mismatch')], // differences not recorded: can never be re-scored
    ]);
    await recordDifferences(db, [{ record: difference('/birthDate'), count: 9, seenAt: T0 }, { record: difference('/name/*/text'), count: 3, seenAt: T0 }]);

    const before = await readRouteEvidence(db, route, { since: T0 });
    expect(before).toMatchObject({ compared: 100, matched: 90, mismatched: 10, acceptedMismatches: 0, version: '' });
    expect(before.differences).toEqual([
      { kind: 'removed', pointer: '/birthDate', comparisons: 9, accepted: false },
      { kind: 'removed', pointer: '/name/*/text', comparisons: 3, accepted: false },
    ]);

    const accept = (pointer: string) => acceptDifference(db, { route, pointer, kind: 'removed', reason: 'legacy-only field', actor: 'cto', at: T0 });
    await accept('/birthDate');
    expect((await readRouteEvidence(db, route, { since: T0 })).acceptedMismatches).toBe(6); // the pairs with /name too still mismatch
    await accept('/name/*/text');
    const all = await readRouteEvidence(db, route, { since: T0 });
    expect(all.acceptedMismatches).toBe(9);
    expect(all.differences.every((d) => d.accepted)).toBe(true);

    expect(await revokeAcceptance(db, route, '/birthDate', 'removed')).toMatchObject({ reason: 'legacy-only field', actor: 'cto' });
    expect((await readRouteEvidence(db, route, { since: T0 })).acceptedMismatches).toBe(0);
    expect(await revokeAcceptance(db, route, '/birthDate', 'removed')).toBeNull();
  });

  it('never re-scores a mismatch whose differences were cut off by the cap, even with every recorded one accepted', async () => {
    const { db } = await engine.freshStore();
    await collect(db, [[0, compared('mismatch', { signatures: [BIRTH, 'truncated '] })], [0, compared('mismatch', { signatures: [BIRTH] })]]);
    await recordDifferences(db, [{ record: difference('/birthDate'), count: 2, seenAt: T0 }, { record: { ...difference(''), kind: 'truncated' }, count: 1, seenAt: T0 }]);
    await acceptDifference(db, { route, pointer: '/birthDate', kind: 'removed', reason: 'expected', actor: 'cto', at: T0 });
    await acceptDifference(db, { route, pointer: '', kind: 'truncated', reason: 'forced in by hand', actor: 'cto', at: T0 });
    const evidence = await readRouteEvidence(db, route, { since: T0 });
    expect(evidence.acceptedMismatches).toBe(1);
    expect(evidence.differences.find((d) => d.kind === 'truncated')).toMatchObject({ accepted: false });
  });

  it('judges the latest version seen; a new version starts from zero and the old one stays readable', async () => {
    const { db } = await engine.freshStore();
    await collect(db, [
      ...Array.from({ length: 50 }, () => [0, compared('mismatch', { newVersion: '1.4.0', signatures: [BIRTH] })] as [number, ExchangeObservation]),
      [0, compared('uncomparable')], // the copy failed: no header, so it belongs to the version running
      [3, compared('match', { newVersion: '1.5.0' })],
      [3, compared('match', { newVersion: '1.5.0' })],
    ]);
    expect((await listServiceVersions(db, route)).map((v) => v.version)).toEqual(['1.5.0', '1.4.0']);
    const current = await readRouteEvidence(db, route, { since: T0 });
    expect(current).toMatchObject({ version: '1.5.0', compared: 2, matched: 2, mismatched: 0, uncomparable: 0, differences: [] });
    const previous = await readRouteEvidence(db, route, { since: T0, version: '1.4.0' });
    expect(previous).toMatchObject({ version: '1.4.0', compared: 50, mismatched: 50, uncomparable: 1 });
    expect(previous.statusMatrix['2xx']).toEqual({ '2xx': 50, timeout: 1 });
  });

  it('a rollback makes the older version current again once it is seen alone', async () => {
    const { db } = await engine.freshStore();
    await collect(db, [
      [0, compared('match', { newVersion: '1.4.0' })],
      [1, compared('match', { newVersion: '1.5.0' })],
      [1, compared('match', { newVersion: '1.4.0' })], // both in one minute: the one that appeared later is current
    ]);
    expect((await readRouteEvidence(db, route, { since: T0 })).version).toBe('1.5.0');
    await collect(db, [[2, compared('match', { newVersion: '1.4.0' })]]);
    expect((await readRouteEvidence(db, route, { since: T0 })).version).toBe('1.4.0');
  });

  it('keeps a bounded number of mismatch sets per route and minute and counts the rest as overflow, never re-scored', async () => {
    const { db } = await engine.freshStore();
    const extra = 5;
    await collect(db, Array.from({ length: MAX_SIGNATURE_SETS + extra }, (_, i) => [0, compared('mismatch', { signatures: [`changed /f${i}`] })] as [number, ExchangeObservation]));
    const evidence = await readRouteEvidence(db, route, { since: T0 });
    expect(evidence.mismatched).toBe(MAX_SIGNATURE_SETS + extra);
    expect(evidence.differences).toHaveLength(MAX_SIGNATURE_SETS);
    const rows = await db.selectFrom('ficus_stats_comparison').select(['value']).where('name', '=', 'mismatch-set:overflow').execute();
    expect(rows.map((r) => Number(r.value))).toEqual([extra]);
  });

  it('purges comparison rollups, signature sets and versions with the rest of the statistics', async () => {
    const { db } = await engine.freshStore();
    await collect(db, [[0, compared('mismatch', { newVersion: '1.4.0', signatures: [BIRTH] })]]);
    expect(await purgeStats(db, { olderThan: new Date(T0.getTime() + 3_600_000) })).toBe(5); // 3 comparison counters (mismatch, status, set), 1 set, 1 version
    for (const table of ['ficus_stats_comparison', 'ficus_signature_set', 'ficus_service_version'] as const) {
      expect(await db.selectFrom(table).selectAll().execute()).toEqual([]);
    }
  });

  it('migration 0021 moves comparisons already collected to the unversioned evidence and keeps acceptances', async () => {
    const { db } = await engine.freshStore();
    const migrator = new Migrator({ db, provider: storeMigrationProvider });
    expect((await migrator.migrateTo('0020_rollouts')).error).toBeUndefined();
    const minute_ms = T0.getTime();
    await db.insertInto('ficus_stats_counter').values([
      { route, minute_ms, name: 'compared:match', value: 120 },
      { route, minute_ms, name: 'compared:mismatch', value: 4 },
      { route, minute_ms, name: 'status:2xx:2xx', value: 124 },
      { route, minute_ms, name: 'served:legacy', value: 130 },
    ]).execute();
    await recordDifferences(db, [{ record: difference('/birthDate'), count: 4, seenAt: T0 }]);
    await db.updateTable('ficus_difference').set({ accepted: 1, accepted_reason: 'legacy-only', accepted_by: 'cto', accepted_at_ms: minute_ms }).execute();
    expect((await migrator.migrateToLatest()).error).toBeUndefined();

    const evidence = await readRouteEvidence(db, route, { since: T0 });
    expect(evidence).toMatchObject({ compared: 124, matched: 120, mismatched: 4, served: { legacy: 130, new: 0 }, statusMatrix: { '2xx': { '2xx': 124 } } });
    expect(evidence.acceptedMismatches).toBe(0); // collected before signatures were kept: not re-scorable
    expect(await revokeAcceptance(db, route, '/birthDate', 'removed')).toMatchObject({ reason: 'legacy-only', actor: 'cto' });
  });
});
