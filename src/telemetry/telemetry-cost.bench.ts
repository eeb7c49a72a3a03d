// Per-request CPU cost of tracing and metrics on the hot path, measured in-process.
// Run: node src/telemetry/telemetry-cost.bench.ts   (pinned Node 24: node_modules/.bin/node)
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, ParentBasedSampler, AlwaysOnSampler, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { ExportResultCode } from '@opentelemetry/core';
import type { Decision } from '../decision/decide.ts';
import type { CompiledRoute } from '../routing/route-table.ts';
import type { ExchangeSummary } from '../dispatch/exchange-summary.ts';
import { createExchangeTracer } from './otel-tracing.ts';
import { createProxyMetrics } from './proxy-metrics.ts';
import { createTraceContextPropagator } from './trace-context-propagator.ts';

const N = 200_000;
const route = { id: 'patient-read', template: '/fhir/Patient/:id' } as CompiledRoute;
const decision: Decision = { mode: 'shadow', serve: 'legacy', variant: 'shadow', flag: 'ficus.patient-read', revision: 'abc123def456', reason: 'flag' };
const req = { method: 'GET', headers: {} } as IncomingMessage;

function time(label: string, run: (i: number) => void): void {
  for (let i = 0; i < N / 4; i++) run(i); // warm up
  const t0 = performance.now();
  for (let i = 0; i < N; i++) run(i);
  process.stdout.write(`${label.padEnd(58)} ${(((performance.now() - t0) * 1000) / N).toFixed(2)} µs/request\n`);
}

const dropAll: SpanExporter = { export: (_s, done) => done({ code: ExportResultCode.SUCCESS }), shutdown: async () => {} };
const provider = new TracerProvider({ sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }), spanProcessors: [new BatchSpanProcessor({ exporter: dropAll, maxQueueSize: 8192 })] });
const tracer = createExchangeTracer(provider.getTracer('bench'));
time('tracing: server span + 1 client span (sampled, batched)', () => {
  const t = tracer.start(req, route, decision);
  t.attempt('legacy', 'legacy').end(200);
  t.end(200, 'legacy', true);
});
// No exporter: trace context still propagated with non-recording spans (trace-context-propagator.ts).
const propagator = createTraceContextPropagator({ sampler: 'parentbased_always_on', samplerArg: 1 });
const continuing = { method: 'GET', headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } } as unknown as IncomingMessage;
time('no exporter: originate trace + 1 upstream traceparent', () => {
  const t = propagator.start(req, route, decision);
  t.attempt('legacy', 'legacy').end(200);
  t.end(200, 'legacy', true);
});
time('no exporter: continue client trace + 1 upstream traceparent', () => {
  const t = propagator.start(continuing, route, decision);
  t.attempt('legacy', 'legacy').end(200);
  t.end(200, 'legacy', true);
});
time('tracing: server + client + linked copy span', () => {
  const t = tracer.start(req, route, decision);
  t.attempt('legacy', 'legacy').end(200);
  const c = t.copy('shadow', 'new', 'ehr-next');
  t.end(200, 'legacy', true);
  c.end(200, { 'ficus.comparison.verdict': 'match' });
});

const metrics = createProxyMetrics({ flagsAgeSeconds: () => 1 });
const summary: ExchangeSummary = { requestId: undefined, method: 'GET', route, decision, servedBy: 'legacy', status: 200, upstreamMs: 3.2, totalMs: 4.1, complete: true };
time('metrics (hand-rolled): served + mirrored + compared + end', (i) => {
  metrics.observe({ type: 'served', route: 'patient-read', mode: 'shadow', side: 'legacy', status: '2xx', latencyMs: i % 50 });
  metrics.observe({ type: 'mirrored', route: 'patient-read', side: 'new', status: '2xx', latencyMs: i % 50 });
  metrics.observe({ type: 'compared', route: 'patient-read', verdict: 'match', legacyStatus: '2xx', newStatus: '2xx' });
  metrics.exchangeEnded(summary);
});

const meter = new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })] }).getMeter('bench');
const requests = meter.createCounter('requests');
const mirrored = meter.createCounter('mirrored');
const compared = meter.createCounter('compared');
const duration = meter.createHistogram('duration');
const upstream = meter.createHistogram('upstream');
time('metrics (OTel SDK instruments): same five updates', (i) => {
  upstream.record(i % 50, { route: 'patient-read', side: 'legacy' });
  mirrored.add(1, { route: 'patient-read', side: 'new', status: '2xx' });
  upstream.record(i % 50, { route: 'patient-read', side: 'new' });
  compared.add(1, { route: 'patient-read', verdict: 'match' });
  requests.add(1, { route: 'patient-read', mode: 'shadow', side: 'legacy', status: '2xx' });
  duration.record(4.1, { route: 'patient-read', side: 'legacy' });
});
await provider.shutdown();
