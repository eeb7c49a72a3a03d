// The difference writer bounds what waits for a slow or absent store; every row it drops past the
// bound is counted by route, so the route's evidence and /metrics show what the store never saw
// (it used to drop rows past 50,000 without a trace).
import { describe, expect, it } from 'vitest';
import type { DifferenceRecord } from '../../src/compare/types.ts';
import { createDifferenceWriter } from '../../src/store/difference-writer.ts';
import { createStatsRecorder, listDifferences, readRouteEvidence } from '../../src/store/index.ts';
import { testEngines } from '../support/store/engines.ts';

const record = (route: string, n: number): DifferenceRecord => ({
  route, source: 'shadow', pointer: `/field${n}`, kind: 'changed', controlType: 'string', candidateType: 'string', controlHmac: 'a'.repeat(64), candidateHmac: 'b'.repeat(64), keyId: 'k1',
});

describe.each(testEngines())('difference writer on $name', (engine) => {
  it('counts every row it drops while the store is down, by route, once', async () => {
    const url = await engine.freshUrl();
    const down = await engine.open(url);
    await down.close();
    const drops = new Map<string, number>();
    const errors: unknown[] = [];
    const writer = createDifferenceWriter({ db: down.db, onError: (e) => errors.push(e), onDropped: (route, rows) => drops.set(route, (drops.get(route) ?? 0) + rows), maxPending: 10, flushIntervalMs: 3_600_000 });
    const seenAt = new Date('2026-05-01T10:00:00Z');
    for (let i = 0; i < 25; i++) writer.add([record('a', i)], seenAt);
    writer.add(Array.from({ length: 5 }, (_, i) => record('b', i)), seenAt);
    await writer.flush();
    await writer.flush();

    expect(errors.length).toBe(2);
    // 30 rows added, 10 kept for the next flush: 20 dropped, the oldest first (all of route a's).
    expect(writer.dropped()).toBe(20);
    expect(Object.fromEntries(drops)).toEqual({ a: 20 });
    await writer.close();
  });

  it('writes what it kept once the store answers, and the route evidence shows the drop count', async () => {
    const store = await engine.freshStore();
    const now = new Date('2026-05-01T10:00:30Z');
    const stats = createStatsRecorder({ db: store.db, now: () => now, onError: (e) => { throw e; }, flushIntervalMs: 3_600_000 });
    const writer = createDifferenceWriter({
      db: store.db, onError: (e) => { throw e; }, maxPending: 4, flushIntervalMs: 3_600_000,
      onDropped: (route, rows) => stats.observe({ type: 'dropped', route, what: 'difference-rows', count: rows }),
    });
    writer.add(Array.from({ length: 9 }, (_, i) => record('a', i)), now);
    await writer.flush();
    await stats.flush();

    expect((await listDifferences(store.db, { route: 'a' })).map((r) => r.pointer).sort()).toEqual(['/field5', '/field6', '/field7', '/field8']);
    expect((await readRouteEvidence(store.db, 'a', { since: new Date('2026-05-01T00:00:00Z') })).dropped).toEqual({ 'difference-rows': 5 });
    await Promise.all([writer.close(), stats.close()]);
  });

  it('writes a flush of many distinct differences in small transactions, letting the event loop run between them', async () => {
    const store = await engine.freshStore();
    const writer = createDifferenceWriter({ db: store.db, onError: (e) => { throw e; }, maxPerTransaction: 3, flushIntervalMs: 3_600_000 });
    const seenAt = new Date('2026-05-01T10:00:00Z');
    // Ten distinct rows, /field0 seen three times: four transactions of at most three rows.
    writer.add(Array.from({ length: 10 }, (_, i) => record('a', i)), seenAt);
    writer.add([record('a', 0), record('a', 0)], seenAt);
    let turns = 0;
    const tick = (): void => {
      turns++;
      ticker = setImmediate(tick);
    };
    let ticker = setImmediate(tick);
    try {
      await writer.flush();
    } finally {
      clearImmediate(ticker);
    }

    // node:sqlite answers synchronously: without the split, the whole flush ran in one turn.
    expect(turns).toBeGreaterThanOrEqual(3);
    const rows = await listDifferences(store.db, { route: 'a' });
    expect(rows).toHaveLength(10);
    expect(rows.find((r) => r.pointer === '/field0')?.count).toBe(3);
    await writer.close();
  });
});
