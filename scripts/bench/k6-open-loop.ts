// k6 open-loop load for the bench's latency targets: requests start at a fixed rate whatever the
// proxy's latency (constant-arrival-rate, like wrk2), so a stall shows as latency, not as fewer
// requests. Two streams, each its own Trends:
//   small — `SMALL_RATE`/s on SMALL_PATH (1 KB): client latency, and the latency Ficus adds
//           (k6's `waiting` minus Ficus's Server-Timing `upstream;dur`);
//   large — `LARGE_RATE`/s on LARGE_PATH (e.g. a shadowed 250 KB Bundle), optional.
// Writes a small JSON summary to SUMMARY_FILE.
//   k6 run -e BASE_URL=… -e SMALL_RATE=1000 -e SMALL_PATH=/x?size=1k -e DURATION=20s -e SUMMARY_FILE=… scripts/bench/k6-open-loop.ts
import http from 'k6/http';
import { Counter, Trend } from 'k6/metrics';
import { parseServerTiming } from '../../load/lib/server-timing.ts';

const BASE_URL = __ENV.BASE_URL ?? 'http://127.0.0.1:8080';
const DURATION = __ENV.DURATION ?? '20s';
const SMALL_RATE = Number(__ENV.SMALL_RATE ?? 1000);
const LARGE_RATE = Number(__ENV.LARGE_RATE ?? 0);

const smallLatency = new Trend('small_latency', true);
const addedLatency = new Trend('small_added_latency', true);
const largeLatency = new Trend('large_latency', true);
const failures = new Counter('bench_failures');

const stream = (rate: number, exec: string) => ({
  executor: 'constant-arrival-rate', rate, timeUnit: '1s', duration: DURATION, exec,
  preAllocatedVUs: Math.max(20, Math.ceil(rate / 20)), maxVUs: Math.max(200, rate),
});

export const options = {
  scenarios: {
    small: stream(SMALL_RATE, 'small'),
    ...(LARGE_RATE > 0 ? { large: stream(LARGE_RATE, 'large') } : {}),
  },
  summaryTrendStats: ['med', 'p(99)', 'max', 'count'],
  discardResponseBodies: true,
  // No `url` tag: the bench's paths carry no PHI, but the load scripts' rule holds here too.
  systemTags: ['status', 'method', 'scenario'],
};

export function small(): void {
  const res = http.request('GET', `${BASE_URL}${__ENV.SMALL_PATH ?? '/bench/small?size=1k'}`);
  if (res.status !== 200) return void failures.add(1);
  smallLatency.add(res.timings.duration);
  const upstreamMs = parseServerTiming(res.headers['Server-Timing']).upstreamMs;
  if (upstreamMs !== undefined) addedLatency.add(res.timings.waiting - upstreamMs);
}

let patient = 0;
export function large(): void {
  patient = (patient % 500) + 1;
  const res = http.request('GET', `${BASE_URL}${(__ENV.LARGE_PATH ?? '/fhir/Patient/pat-{id}?size=250k').replace('{id}', String(patient).padStart(4, '0'))}`);
  if (res.status !== 200) return void failures.add(1);
  largeLatency.add(res.timings.duration);
}

interface Metric { values: Record<string, number> }
export function handleSummary(data: { metrics: Record<string, Metric | undefined> }): Record<string, string> {
  const trend = (name: string) => {
    const v = data.metrics[name]?.values;
    return v ? { p50: v.med, p99: v['p(99)'], max: v.max, count: v.count } : undefined;
  };
  const summary = {
    small: trend('small_latency'),
    smallAdded: trend('small_added_latency'),
    large: trend('large_latency'),
    failures: data.metrics.bench_failures?.values.count ?? 0,
    droppedIterations: data.metrics.dropped_iterations?.values.count ?? 0,
  };
  return { [__ENV.SUMMARY_FILE ?? 'open-loop-summary.json']: JSON.stringify(summary) };
}
