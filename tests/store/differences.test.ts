import { describe, expect, it } from 'vitest';
import type { DifferenceRecord } from '../../src/compare/types.ts';
import { acceptDifference, listDifferences, purgeDifferences, recordDifferences } from '../../src/store/index.ts';
import { testEngines } from '../support/store/engines.ts';

const at = (iso: string) => new Date(iso);

function record(overrides: Partial<DifferenceRecord> = {}): DifferenceRecord {
  return {
    route: 'patient-read', source: 'shadow', pointer: '/name/*/family', kind: 'changed',
    controlType: 'string', candidateType: 'string', controlHmac: 'a'.repeat(64), candidateHmac: 'b'.repeat(64), keyId: 'k1',
    ...overrides,
  };
}

describe.each(testEngines())('differences on $name', (engine) => {
  it('aggregates counts, first and last seen and recent trace ids across calls', async () => {
    const { db } = await engine.freshStore();
    await recordDifferences(db, [
      { record: record(), count: 1, seenAt: at('2026-05-01T10:00:00Z'), traceId: 't1' },
      { record: record(), count: 2, seenAt: at('2026-05-01T10:01:00Z'), traceId: 't2' },
    ]);
    await recordDifferences(db, [{ record: record({ controlHmac: 'c'.repeat(64), keyId: 'k2' }), count: 3, seenAt: at('2026-05-01T11:00:00Z'), traceId: 't3' }]);
    for (const t of ['t4', 't5', 't6']) await recordDifferences(db, [{ record: record(), count: 1, seenAt: at('2026-05-01T12:00:00Z'), traceId: t }]);

    const [row] = await listDifferences(db, { route: 'patient-read' });
    expect(row).toMatchObject({
      route: 'patient-read', source: 'shadow', pointer: '/name/*/family', kind: 'changed', controlType: 'string', candidateType: 'string',
      count: 9, firstSeen: at('2026-05-01T10:00:00Z'), lastSeen: at('2026-05-01T12:00:00Z'), accepted: false, keyId: 'k1',
    });
    expect(row!.traceIds).toEqual(['t6', 't5', 't4', 't3', 't2']);
  });

  it('keeps separate rows per source, kind and JSON types, most frequent first', async () => {
    const { db } = await engine.freshStore();
    const seenAt = at('2026-05-01T10:00:00Z');
    await recordDifferences(db, [
      { record: record(), count: 1, seenAt },
      { record: record({ source: 'noise' }), count: 5, seenAt },
      { record: record({ kind: 'type', candidateType: 'number' }), count: 3, seenAt },
      { record: record({ route: 'other' }), count: 7, seenAt },
    ]);
    const rows = await listDifferences(db, { route: 'patient-read' });
    expect(rows.map((r) => [r.source, r.kind, r.count])).toEqual([['noise', 'changed', 5], ['shadow', 'type', 3], ['shadow', 'changed', 1]]);
    expect(await listDifferences(db, { source: 'noise' })).toHaveLength(1);
    expect(await listDifferences(db, { limit: 2 })).toHaveLength(2);
  });

  it('does not let an older late batch overwrite the newest HMACs or last seen', async () => {
    const { db } = await engine.freshStore();
    await recordDifferences(db, [{ record: record({ keyId: 'new-key' }), count: 1, seenAt: at('2026-05-02T00:00:00Z'), traceId: 'late' }]);
    await recordDifferences(db, [{ record: record({ keyId: 'old-key' }), count: 1, seenAt: at('2026-05-01T00:00:00Z'), traceId: 'early' }]);
    const [row] = await listDifferences(db);
    expect(row).toMatchObject({ keyId: 'new-key', count: 2, firstSeen: at('2026-05-01T00:00:00Z'), lastSeen: at('2026-05-02T00:00:00Z') });
    expect(row!.traceIds).toEqual(['late', 'early']);
  });

  it('marks accepted differences without hiding them, and they keep counting', async () => {
    const { db } = await engine.freshStore();
    const seenAt = at('2026-05-01T10:00:00Z');
    await recordDifferences(db, [
      { record: record(), count: 1, seenAt },
      { record: record({ source: 'noise' }), count: 1, seenAt },
      { record: record({ pointer: '/meta/lastUpdated' }), count: 1, seenAt },
    ]);
    const marked = await acceptDifference(db, { route: 'patient-read', pointer: '/name/*/family', kind: 'changed', reason: 'legacy pads names', actor: 'cto', at: seenAt });
    expect(marked).toBe(2);
    await recordDifferences(db, [{ record: record(), count: 4, seenAt }]);

    const rows = await listDifferences(db, { route: 'patient-read' });
    expect(rows).toHaveLength(3);
    const accepted = rows.filter((r) => r.accepted);
    expect(accepted.map((r) => r.source).sort()).toEqual(['noise', 'shadow']);
    expect(accepted[0]).toMatchObject({ acceptedReason: 'legacy pads names', acceptedBy: 'cto' });
    expect(rows.find((r) => r.source === 'shadow' && r.pointer === '/name/*/family')!.count).toBe(5);
  });

  it('accepting an unknown difference marks nothing', async () => {
    const { db } = await engine.freshStore();
    await expect(acceptDifference(db, { route: 'x', pointer: '/y', kind: 'added', reason: 'r', actor: 'a', at: new Date() })).resolves.toBe(0);
  });

  it('purges aggregates last seen before the cutoff', async () => {
    const { db } = await engine.freshStore();
    await recordDifferences(db, [
      { record: record({ pointer: '/old' }), count: 1, seenAt: at('2026-03-01T00:00:00Z') },
      { record: record({ pointer: '/fresh' }), count: 1, seenAt: at('2026-03-01T00:00:00Z') },
      { record: record({ pointer: '/fresh' }), count: 1, seenAt: at('2026-05-01T00:00:00Z') },
    ]);
    await expect(purgeDifferences(db, { olderThan: at('2026-04-01T00:00:00Z') })).resolves.toBe(1);
    expect((await listDifferences(db)).map((r) => r.pointer)).toEqual(['/fresh']);
  });

  it('sums concurrent records from two replicas', async () => {
    const url = await engine.freshUrl();
    const [a, b] = await Promise.all([engine.open(url), engine.open(url)]);
    const seenAt = at('2026-05-01T10:00:00Z');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => recordDifferences((i % 2 ? a! : b!).db, [{ record: record(), count: 1, seenAt, traceId: `t${i}` }])),
    );
    const [row] = await listDifferences(a!.db);
    expect(row!.count).toBe(20);
    expect(row!.traceIds).toHaveLength(5);
  });
});
