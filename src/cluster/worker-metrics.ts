// The primary's own series about its workers: how many serve, and how many times one was re-forked
// (a rising count is a worker crashing; alert on it rather than discover it in the logs).
import type { MetricSnapshot } from '../telemetry/proxy-metrics.ts';

export function workerMetrics(counts: { live: number; configured: number; restarts: number }): MetricSnapshot[] {
  return [
    { kind: 'gauge', name: 'ficus_workers', help: 'Proxy worker processes serving now (--workers), and how many were asked for.', series: [{ attributes: { state: 'live' }, value: counts.live }, { attributes: { state: 'configured' }, value: counts.configured }] },
    { kind: 'counter', name: 'ficus_worker_restarts_total', help: 'Proxy workers forked again after an unexpected exit.', series: [{ attributes: {}, value: counts.restarts }] },
  ];
}
