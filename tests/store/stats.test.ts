import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { ExchangeObservation } from '../../src/compare/evidence.ts';
import {
  createStatsRecorder, HISTOGRAM_RELATIVE_ERROR, purgeStats, readRouteEvidence, readRouteSeries, type StatsRecorder,
} from '../../src/store/index.ts';
import { seededRandom, testEngines } from '../support/store/engines.ts';

const T0 = new Date('2026-05-01T10:00:00Z');

/** A clock the test moves by hand. */
function manualClock(start: Date) {
  let ms = start.getTime();
  return { now: () => new Date(ms), set: (d: Date) => void (ms = d.getTime()) };
}

function exactPercentile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

function recorder(db: Parameters<typeof createStatsRecorder>[0]['db'], now: () => Date, errors: unknown[]): StatsRecorder {
  return createStatsRecorder({ db, now, flushIntervalMs: 60_000, onError: (e) => errors.push(e) });
}

describe.each(testEngines())('stats on $name', (engine) => {
  it('sums two replicas writing one store into merged counts and correct percentiles', async () => {
    const url = await engine.freshUrl();
    const [a, b] = await Promise.all([engine.open(url), engine.open(url)]);
    const clock = manualClock(T0);
    const errors: unknown[] = [];
    const replicas = [recorder(a!.db, clock.now, errors), recorder(b!.db, clock.now, errors)];
    const random = seededRandom(42);
    const legacy: number[] = [];
    const candidate: number[] = [];
    for (let i = 0; i < 4000; i++) {
      clock.set(new Date(T0.getTime() + (i % 3) * 60_000)); // three minutes of rollups
      const replica = replicas[i % 2]!;
      const legacyMs = 5 + random() * 50;
      const newMs = 2 + -Math.log(1 - random()) * 20;
      legacy.push(legacyMs);
      candidate.push(newMs);
      replica.observe({ type: 'served', route: 'patient-read', mode: 'shadow', side: 'legacy', status: '2xx', latencyMs: legacyMs });
      replica.observe({ type: 'mirrored', route: 'patient-read', side: 'new', status: '2xx', latencyMs: newMs });
      replica.observe({ type: 'compared', route: 'patient-read', verdict: i % 100 === 0 ? 'mismatch' : 'match', legacyStatus: '2xx', newStatus: '2xx' });
      if (i % 500 === 0) await Promise.all(replicas.map((r) => r.flush())); // flushes interleave with observations
    }
    await Promise.all(replicas.map((r) => r.close()));
    expect(errors).toEqual([]);

    const evidence = await readRouteEvidence(a!.db, 'patient-read', { since: T0 });
    expect(evidence.served).toEqual({ legacy: 4000, new: 0 });
    expect(evidence).toMatchObject({ compared: 4000, matched: 3960, mismatched: 40, uncomparable: 0 });
    expect(evidence.latency.legacy.count).toBe(4000);
    expect(evidence.latency.new.count).toBe(4000);
    for (const [summary, samples] of [[evidence.latency.legacy, legacy], [evidence.latency.new, candidate]] as const) {
      for (const [q, value] of [[0.5, summary.p50], [0.95, summary.p95], [0.99, summary.p99]] as const) {
        const exact = exactPercentile(samples, q);
        expect(Math.abs(value! - exact) / exact).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR + 1e-9);
      }
    }
  });

  it('fills every evidence field, including the status matrix, fallbacks and skip reasons', async () => {
    const store = await engine.freshStore();
    const clock = manualClock(new Date(T0.getTime() + 30_000));
    const errors: unknown[] = [];
    const stats = recorder(store.db, clock.now, errors);
    const route = 'encounter-search';
    const observations: ExchangeObservation[] = [
      { type: 'served', route, mode: 'canary', side: 'new', status: '2xx', latencyMs: 12 },
      { type: 'served', route, mode: 'canary', side: 'legacy', status: '2xx', latencyMs: 30, fallback: 'timeout' },
      { type: 'served', route, mode: 'canary', side: 'legacy', status: '5xx', latencyMs: 8, fallback: 'breaker-open' },
      { type: 'mirrored', route, side: 'new', status: 'timeout', latencyMs: 1000 },
      { type: 'compared', route, verdict: 'match', legacyStatus: '2xx', newStatus: '2xx' },
      { type: 'compared', route, verdict: 'mismatch', legacyStatus: '2xx', newStatus: '5xx' },
      { type: 'compared', route, verdict: 'uncomparable', legacyStatus: '4xx', newStatus: 'timeout', reason: 'copy-failed' },
      { type: 'dropped', route, what: 'difference-rows', count: 7 },
      { type: 'skipped', route, reason: 'unsafe-method' },
      { type: 'skipped', route, reason: 'unsafe-method' },
      { type: 'skipped', route, reason: 'queue-full' },
      { type: 'served', route: 'other-route', mode: 'legacy', side: 'legacy', status: '2xx', latencyMs: 1 },
    ];
    for (const o of observations) stats.observe(o);
    await stats.close();
    expect(errors).toEqual([]);

    const evidence = await readRouteEvidence(store.db, route, { since: new Date(T0.getTime() + 45_000) });
    expect(evidence).toEqual({
      route,
      since: T0.toISOString(),
      served: { legacy: 2, new: 1 },
      servedFailed: { legacy: 1, new: 0 },
      fallbacks: { 'timeout': 1, 'breaker-open': 1 },
      compared: 2,
      matched: 1,
      mismatched: 1,
      uncomparable: 1,
      acceptedMismatches: 0,
      differences: [],
      version: '',
      uncomparableReasons: { 'copy-failed': 1 },
      dropped: { 'difference-rows': 7 },
      skipped: { 'unsafe-method': 2, 'queue-full': 1 },
      latency: {
        legacy: { count: 2, p50: expect.closeTo(8, 0), p95: expect.closeTo(30, 0), p99: expect.closeTo(30, 0) },
        new: { count: 2, p50: expect.closeTo(12, 0), p95: expect.closeTo(1000, -2), p99: expect.closeTo(1000, -2) },
      },
      statusMatrix: { '2xx': { '2xx': 1, '5xx': 1 }, '4xx': { timeout: 1 } },
    });
  });

  it('reports an empty window as zeros and null percentiles', async () => {
    const store = await engine.freshStore();
    const evidence = await readRouteEvidence(store.db, 'never-seen', { since: T0 });
    expect(evidence).toMatchObject({ served: { legacy: 0, new: 0 }, compared: 0, statusMatrix: {}, skipped: {}, fallbacks: {} });
    expect(evidence.latency.new).toEqual({ count: 0, p50: null, p95: null, p99: null });
  });

  it('reads a per-bucket series for the charts and leaves out minutes before the window', async () => {
    const store = await engine.freshStore();
    const clock = manualClock(T0);
    const errors: unknown[] = [];
    const stats = recorder(store.db, clock.now, errors);
    for (let minute = 0; minute < 6; minute++) {
      clock.set(new Date(T0.getTime() + minute * 60_000 + 1000));
      stats.observe({ type: 'served', route: 'r', mode: 'canary', side: 'new', status: '2xx', latencyMs: 10 * (minute + 1) });
      stats.observe({ type: 'served', route: 'r', mode: 'canary', side: 'legacy', status: '2xx', latencyMs: 5 });
      stats.observe({ type: 'compared', route: 'r', verdict: minute === 3 ? 'mismatch' : 'match', legacyStatus: '2xx', newStatus: '2xx' });
    }
    await stats.close();

    const series = await readRouteSeries(store.db, 'r', { since: new Date(T0.getTime() + 60_000), bucketMinutes: 2 });
    expect(series.map((p) => p.minute)).toEqual([
      new Date(T0.getTime()).toISOString(), // minute 1 falls in the bucket that starts at minute 0
      new Date(T0.getTime() + 2 * 60_000).toISOString(),
      new Date(T0.getTime() + 4 * 60_000).toISOString(),
    ]);
    expect(series[0]).toMatchObject({ compared: 1, matched: 1, mismatched: 0, served: { legacy: 1, new: 1 } });
    expect(series[1]).toMatchObject({ compared: 2, matched: 1, mismatched: 1, served: { legacy: 2, new: 2 } });
    expect(series[2]!.p99.new).toBeCloseTo(60, 0);
    expect(series[2]!.p99.legacy).toBeCloseTo(5, 0);
  });

  it('purges rollups of minutes before the cutoff', async () => {
    const store = await engine.freshStore();
    const clock = manualClock(T0);
    const stats = recorder(store.db, clock.now, []);
    stats.observe({ type: 'served', route: 'r', mode: 'new', side: 'new', status: '2xx', latencyMs: 3 });
    clock.set(new Date(T0.getTime() + 10 * 60_000));
    stats.observe({ type: 'served', route: 'r', mode: 'new', side: 'new', status: '2xx', latencyMs: 3 });
    await stats.close();
    await expect(purgeStats(store.db, { olderThan: new Date(T0.getTime() + 5 * 60_000) })).resolves.toBe(2);
    const evidence = await readRouteEvidence(store.db, 'r', { since: T0 });
    expect(evidence.served.new).toBe(1);
    expect(evidence.latency.new.count).toBe(1);
  });

  it('never throws from observe, reports a failed flush and writes the kept counts on the next one', async () => {
    const store = await engine.freshStore();
    const errors: unknown[] = [];
    const stats = recorder(store.db, () => T0, errors);
    // Break the store behind the recorder's back: the table it writes to disappears for a while.
    await sql`alter table ficus_stats_counter rename to ficus_stats_counter_away`.execute(store.db);
    expect(() => stats.observe({ type: 'skipped', route: 'r', reason: 'queue-full' })).not.toThrow();
    await stats.flush();
    expect(errors).toHaveLength(1);
    await sql`alter table ficus_stats_counter_away rename to ficus_stats_counter`.execute(store.db);
    stats.observe({ type: 'skipped', route: 'r', reason: 'queue-full' });
    await stats.close();
    expect(errors).toHaveLength(1);
    expect((await readRouteEvidence(store.db, 'r', { since: T0 })).skipped).toEqual({ 'queue-full': 2 });
  });

  it('never throws from observe even when its error handler throws', async () => {
    const store = await engine.freshStore();
    const stats = createStatsRecorder({ db: store.db, now: () => { throw new Error('clock broke'); }, onError: () => { throw new Error('handler broke'); } });
    expect(() => stats.observe({ type: 'skipped', route: 'r', reason: 'queue-full' })).not.toThrow();
    await stats.close();
  });
});
