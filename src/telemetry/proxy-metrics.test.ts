import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ELDHistogram } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { createEventLoopDelayWindows } from './event-loop-delay.ts';
import { createProxyMetrics } from './proxy-metrics.ts';

describe('createProxyMetrics', () => {
  // The monitor measures from its first tick: let it tick, stall, then let it see the stall.
  const stall = async (ms: number) => {
    await new Promise((r) => setTimeout(r, 30));
    const until = performance.now() + ms;
    while (performance.now() < until); // a stall the monitor must see
    await new Promise((r) => setTimeout(r, 30));
  };
  const delayLines = (text: string) => text.split('\n').filter((l) => l.startsWith('ficus_event_loop_delay_seconds{'));
  const snapshotMax = (metrics: ReturnType<typeof createProxyMetrics>): number | undefined => {
    const family = metrics.snapshot().find((f) => f.name === 'ficus_event_loop_delay_seconds');
    return family?.kind === 'gauge' ? family.series.find((s) => s.attributes.stat === 'max')?.value : undefined;
  };

  it('exports the event-loop delay since the previous scrape, then starts over', async () => {
    const monitors: ELDHistogram[] = [];
    const windows = createEventLoopDelayWindows({ resolutionMs: 10, monitor: (o) => monitors[monitors.push(monitorEventLoopDelay(o)) - 1]! });
    try {
      const metrics = createProxyMetrics({ flagsAgeSeconds: () => 0, eventLoopDelay: windows });
      await stall(30);
      const lines = delayLines(metrics.render());
      expect(lines.map((l) => l.split(' ')[0])).toEqual(['ficus_event_loop_delay_seconds{stat="p50"}', 'ficus_event_loop_delay_seconds{stat="p99"}', 'ficus_event_loop_delay_seconds{stat="max"}']);
      const [p50, p99, max] = lines.map((l) => Number(l.split(' ')[1]));
      expect(p50).toBeGreaterThan(0);
      expect(p50).toBeLessThanOrEqual(p99!);
      expect(p99).toBeLessThanOrEqual(max!);
      expect(max).toBeGreaterThanOrEqual(0.02);
      expect(monitors).toHaveLength(1);
      expect(monitors[0]!.count).toBe(0);
    } finally {
      windows.close();
    }
  });

  it('a Prometheus scrape does not empty the OTLP snapshot\'s event-loop window (each reader sees its own)', async () => {
    const windows = createEventLoopDelayWindows({ resolutionMs: 10 });
    try {
      const metrics = createProxyMetrics({ flagsAgeSeconds: () => 0, eventLoopDelay: windows });
      metrics.snapshot(); // the push's window starts at its first push
      await stall(60);
      const scraped = Number(delayLines(metrics.render()).find((l) => l.includes('"max"'))?.split(' ')[1]);
      expect(scraped).toBeGreaterThanOrEqual(0.05);
      // Before the fix the scrape had reset the one shared histogram: the push saw no stall.
      expect(snapshotMax(metrics)).toBeGreaterThanOrEqual(0.05);
    } finally {
      windows.close();
    }
  });

  it('an OTLP snapshot does not empty the Prometheus scrape\'s event-loop window', async () => {
    const windows = createEventLoopDelayWindows({ resolutionMs: 10 });
    try {
      const metrics = createProxyMetrics({ flagsAgeSeconds: () => 0, eventLoopDelay: windows });
      metrics.snapshot();
      await stall(60);
      expect(snapshotMax(metrics)).toBeGreaterThanOrEqual(0.05);
      const scraped = Number(delayLines(metrics.render()).find((l) => l.includes('"max"'))?.split(' ')[1]);
      expect(scraped).toBeGreaterThanOrEqual(0.05);
    } finally {
      windows.close();
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
