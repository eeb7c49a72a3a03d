import { describe, expect, it } from 'vitest';
import { enqueueComparison } from '../dispatch/mirror.ts';
import { statusClassOf } from '../shared/words.ts';
import type { CompareJob } from './compare-job.ts';
import { addObservation, type RollupBuffer } from '../store/stats-rollup.ts';
import { createProxyMetrics } from '../telemetry/proxy-metrics.ts';
import { compileCompareRules } from './compile-compare-rules.ts';
import { createComparePipeline } from './create-compare-pipeline.ts';
import type { ExchangeObservation } from './evidence.ts';
import type { CapturedResponse } from './types.ts';

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
});
