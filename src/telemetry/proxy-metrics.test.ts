import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { createProxyMetrics } from './proxy-metrics.ts';

describe('createProxyMetrics', () => {
  it('exports the event-loop delay since the previous scrape, then starts over', async () => {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    try {
      const metrics = createProxyMetrics({ flagsAgeSeconds: () => 0, eventLoopDelay: delay });
      const until = performance.now() + 30;
      while (performance.now() < until); // a stall the monitor must see
      await new Promise((r) => setTimeout(r, 30));
      const lines = metrics.render().split('\n').filter((l) => l.startsWith('ficus_event_loop_delay_seconds{'));
      expect(lines.map((l) => l.split(' ')[0])).toEqual(['ficus_event_loop_delay_seconds{stat="p50"}', 'ficus_event_loop_delay_seconds{stat="p99"}', 'ficus_event_loop_delay_seconds{stat="max"}']);
      const [p50, p99, max] = lines.map((l) => Number(l.split(' ')[1]));
      expect(p50).toBeGreaterThan(0);
      expect(p50).toBeLessThanOrEqual(p99!);
      expect(p99).toBeLessThanOrEqual(max!);
      expect(delay.count).toBe(0);
    } finally {
      delay.disable();
    }
  });

  it('counts uncomparable pairs by reason and dropped evidence by its count', () => {
    const metrics = createProxyMetrics({ flagsAgeSeconds: () => 0 });
    metrics.observe({ type: 'compared', route: 'r', verdict: 'uncomparable', reason: 'time-budget', legacyStatus: '2xx', newStatus: '2xx' });
    metrics.observe({ type: 'compared', route: 'r', verdict: 'uncomparable', reason: 'time-budget', legacyStatus: '2xx', newStatus: '2xx' });
    metrics.observe({ type: 'dropped', route: 'r', what: 'difference-rows', count: 42 });
    const text = metrics.render();
    expect(text).toContain('ficus_uncomparable_total{route="r",reason="time-budget"} 2');
    expect(text).toContain('ficus_evidence_dropped_total{route="r",what="difference-rows"} 42');
  });
});
