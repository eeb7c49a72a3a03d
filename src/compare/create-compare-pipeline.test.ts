import { describe, expect, it } from 'vitest';
import { enqueueComparison } from '../dispatch/mirror.ts';
import { statusClassOf } from '../shared/words.ts';
import type { CompareJob } from './compare-job.ts';
import { addObservation, type RollupBuffer } from '../store/stats-rollup.ts';
import { createProxyMetrics } from '../telemetry/proxy-metrics.ts';
import { compileCompareRules } from './compile-compare-rules.ts';
import { createComparePipeline, DEFAULT_INLINE_MAX_BYTES } from './create-compare-pipeline.ts';
import { createComparisonWorkerPool } from './create-comparison-worker-pool.ts';
import type { ExchangeObservation } from './evidence.ts';
import type { CapturedResponse, DifferenceRecord } from './types.ts';

const json = (body: unknown): CapturedResponse => ({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)), truncated: false });

describe('createComparePipeline', () => {
  it('counts a queue-full drop once, in the route stats and in /metrics', async () => {
    const rules = await compileCompareRules({}, { baseDir: '.' });
    const rollups: RollupBuffer = new Map();
    const metrics = createProxyMetrics({ flagsAgeSeconds: () => 0 });
    const observed: ExchangeObservation[] = [];
    const observe = (o: ExchangeObservation) => {
      observed.push(o);
      addObservation(rollups, o, 0);
      metrics.observe(o);
    };
    const pipeline = createComparePipeline({
      rulesFor: () => rules, observe, recordDifferences: () => {}, statusClassOf, diffKey: { id: 'k', secret: Buffer.alloc(32) }, now: () => new Date(0), capacity: 2,
    });
    const route = { id: 'patients', config: { compare: {}, readiness: {} } } as CompareJob['route'];
    const job: CompareJob = { route, source: 'shadow', control: json({ a: 1 }), candidate: json({ a: 1 }) };
    // Five pairs before the queue's first turn: two fit, three are dropped.
    for (let i = 0; i < 5; i++) enqueueComparison(pipeline, job, (r, reason) => observe({ type: 'skipped', route: r.id, reason }));
    await pipeline.drain();

    expect(observed.filter((o) => o.type === 'skipped')).toHaveLength(3);
    expect([...rollups.values()][0]!.counters.get('skipped:queue-full')).toBe(3);
    expect(metrics.render()).toContain('ficus_shadow_skipped_total{route="patients",reason="queue-full"} 3');
    expect(observed.filter((o) => o.type === 'compared')).toHaveLength(2);
    expect(pipeline.stats()).toMatchObject({ dropped: 3, completed: 2 });
  });

  it('never compares a pair over the inline threshold on the loop: the worker compares it and builds its records', async () => {
    const bundle = (value: number) => ({ resourceType: 'Bundle', entry: Array.from({ length: 600 }, (_, i) => ({ resource: { resourceType: 'Observation', id: `obs-${i}`, valueQuantity: { value: i % 50 === 0 ? value : 36.6, unit: 'Cel' } } })) });
    const control = json(bundle(36.6));
    const candidate = json(bundle(37));
    expect(control.body.length).toBeGreaterThan(DEFAULT_INLINE_MAX_BYTES);
    const pool = createComparisonWorkerPool({ size: 1 });
    // The loop's compiled rules are only ever asked for by an inline comparison.
    let loopComparisons = 0;
    const stored: DifferenceRecord[] = [];
    const observed: ExchangeObservation[] = [];
    try {
      const pipeline = createComparePipeline({
        pool, rulesFor: () => { loopComparisons++; return undefined; }, observe: (o) => observed.push(o), recordDifferences: (records) => stored.push(...records),
        statusClassOf, diffKey: { id: 'k', secret: Buffer.alloc(32, 1) }, now: () => new Date(0),
      });
      const route = { id: 'observations', config: { compare: {}, readiness: {} } } as CompareJob['route'];
      for (let i = 0; i < 3; i++) expect(pipeline.enqueue({ route, source: 'shadow', control, candidate })).toBe('queued');
      await pipeline.drain();

      expect(loopComparisons).toBe(0);
      expect(observed.map((o) => o.type === 'compared' && o.verdict)).toEqual(['mismatch', 'mismatch', 'mismatch']);
      expect(stored.map((r) => r.pointer)).toEqual(Array(3).fill('/entry/*/resource/valueQuantity/value'));
      expect(stored.every((r) => r.keyId === 'k' && r.controlHmac !== r.candidateHmac)).toBe(true);
    } finally {
      await pool.close();
    }
  });
});
