// The primary's own series about its workers: how many serve, how many times one was re-forked
// (a rising count is a worker crashing; alert on it rather than discover it in the logs), and the
// requests in flight on them and lost with those that died (in-flight-ledger.ts).
import type { MetricSnapshot } from '../telemetry/proxy-metrics.ts';

export interface WorkerCounts {
  readonly live: number;
  readonly configured: number;
  readonly restarts: number;
  readonly inFlight: number;
  readonly lostRequests: number;
  /** Flag writes that answered before every serving worker acknowledged them (flag-acks.ts). */
  readonly flagAckTimeouts: number;
}

export function workerMetrics(counts: WorkerCounts): MetricSnapshot[] {
  return [
    { kind: 'gauge', name: 'ficus_workers', help: 'Proxy worker processes serving now (--workers), and how many were asked for.', series: [{ attributes: { state: 'live' }, value: counts.live }, { attributes: { state: 'configured' }, value: counts.configured }] },
    { kind: 'counter', name: 'ficus_worker_restarts_total', help: 'Proxy workers forked again after an unexpected exit.', series: [{ attributes: {}, value: counts.restarts }] },
    { kind: 'gauge', name: 'ficus_worker_requests_in_flight', help: 'Client requests in flight on the proxy workers, as each last reported (each second).', series: [{ attributes: {}, value: counts.inFlight }] },
    { kind: 'counter', name: 'ficus_worker_lost_requests_total', help: 'Client requests in flight on a proxy worker when it died (its last report, up to a second old): their connections were cut.', series: [{ attributes: {}, value: counts.lostRequests }] },
    { kind: 'counter', name: 'ficus_worker_flag_ack_timeouts_total', help: 'Flag writes (admin API, CLI, autopilot) that answered before every serving proxy worker acknowledged the new flags (bounded wait): those workers were not yet in force.', series: [{ attributes: {}, value: counts.flagAckTimeouts }] },
  ];
}
