import { describe, expect, it } from 'vitest';
import type { MetricSnapshot } from '../telemetry/proxy-metrics.ts';
import { renderMetricSnapshots } from '../telemetry/render-metric-snapshots.ts';
import { createMetricsMerger } from './merge-metric-snapshots.ts';

const requests = (value: number): MetricSnapshot => ({ kind: 'counter', name: 'ficus_requests_total', help: 'h', series: [{ attributes: { route: 'a', side: 'legacy' }, value }] });
const delay = (value: number): MetricSnapshot => ({ kind: 'gauge', name: 'ficus_event_loop_delay_seconds', help: 'h', series: [{ attributes: { stat: 'max' }, value }] });
const duration = (count: number): MetricSnapshot => ({ kind: 'histogram', name: 'ficus_request_duration_seconds', help: 'h', bounds: [0.1, 1], series: [{ attributes: { route: 'a' }, buckets: [count, 0, 0], sum: count * 0.05, count }] });

describe('metrics merged across workers', () => {
  it('sums counters and histograms, and takes the worst gauge', () => {
    const merger = createMetricsMerger();
    merger.update(1, [requests(3), delay(0.002), duration(3)]);
    merger.update(2, [requests(4), delay(0.009), duration(4)]);
    const text = renderMetricSnapshots(merger.merged());
    expect(text).toContain('ficus_requests_total{route="a",side="legacy"} 7');
    expect(text).toContain('ficus_event_loop_delay_seconds{stat="max"} 0.009');
    expect(text).toContain('ficus_request_duration_seconds_bucket{route="a",le="0.1"} 7');
    expect(text).toContain('ficus_request_duration_seconds_count{route="a"} 7');
    expect(text.match(/# TYPE ficus_requests_total/g)).toHaveLength(1);
  });

  it('keeps a dead worker\'s counts in the totals, so a re-forked worker never makes a counter go down', () => {
    const merger = createMetricsMerger();
    merger.update(1, [requests(10), delay(0.5)]);
    merger.update(2, [requests(5)]);
    merger.retire(1);
    merger.update(3, [requests(1)]); // the replacement starts from zero
    const text = renderMetricSnapshots(merger.merged());
    expect(text).toContain('ficus_requests_total{route="a",side="legacy"} 16');
    expect(text).not.toContain('stat="max"} 0.5');
  });

  it('merges the primary\'s own families by the same rules', () => {
    const merger = createMetricsMerger();
    merger.update(1, [requests(2)]);
    const breaker: MetricSnapshot = { kind: 'gauge', name: 'ficus_breaker_state', help: 'h', series: [{ attributes: { route: 'a', state: 'open' }, value: 1 }] };
    const text = renderMetricSnapshots(merger.merged([requests(0), breaker]));
    expect(text).toContain('ficus_requests_total{route="a",side="legacy"} 2');
    expect(text).toContain('ficus_breaker_state{route="a",state="open"} 1');
  });
});
