// OTEL_METRICS_EXPORTER=otlp: the proxy's metrics are pushed as OTLP/HTTP JSON to a real receiver
// on loopback, with the same route-level series as /metrics and nothing else in their attributes.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTelemetrySettings } from '../../src/config/env.ts';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { closeServer, listenLoopback } from '../support/upstreams/loopback.ts';
import { waitFor } from '../support/wait-for.ts';

interface OtlpAttribute { key: string; value: { stringValue?: string } }
interface OtlpMetric { name: string; sum?: { isMonotonic: boolean; dataPoints: { attributes: OtlpAttribute[]; asInt: string }[] }; histogram?: { dataPoints: { attributes: OtlpAttribute[]; count: string; bucketCounts: string[]; explicitBounds: number[] }[] } }
interface OtlpRequest { resourceMetrics: { resource: { attributes: OtlpAttribute[] }; scopeMetrics: { metrics: OtlpMetric[] }[] }[] }

const pushes: { path: string; body: OtlpRequest }[] = [];
let receiver: http.Server;
let h: TestFicus;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      pushes.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const url = await listenLoopback(receiver);
  const telemetry = readTelemetrySettings({ OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: url, OTEL_METRIC_EXPORT_INTERVAL: '100', OTEL_SERVICE_NAME: 'ficus-metrics-test' });
  h = await startTestFicus({ flags: { 'ficus.items': { mode: 'shadow' } }, settings: { telemetry } });
});
afterAll(async () => {
  await h?.close();
  if (receiver) await closeServer(receiver);
});

describe('OTLP metrics push', () => {
  it('pushes cumulative request counters and duration histograms per route to /v1/metrics', async () => {
    for (let i = 0; i < 3; i++) await (await fetch(`${h.proxyUrl}/items/MRN-99887766`)).arrayBuffer();
    const metricNamed = (push: { body: OtlpRequest }, name: string) => push.body.resourceMetrics[0]?.scopeMetrics[0]?.metrics.find((m) => m.name === name);
    const push = await waitFor(() => [...pushes].reverse().find((p) => {
      const points = metricNamed(p, 'ficus_requests_total')?.sum?.dataPoints ?? [];
      return points.some((d) => d.attributes.some((a) => a.key === 'route' && a.value.stringValue === 'items') && Number(d.asInt) >= 3);
    }), 10_000, 'a push with three requests on route items');
    expect(push.path).toBe('/v1/metrics');
    expect(push.body.resourceMetrics[0]!.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'ficus-metrics-test' } });
    const requests = metricNamed(push, 'ficus_requests_total')!;
    expect(requests.sum!.isMonotonic).toBe(true);
    const duration = metricNamed(push, 'ficus_request_duration_seconds')!.histogram!.dataPoints.find((d) => d.attributes.some((a) => a.value.stringValue === 'items'))!;
    expect(duration.bucketCounts).toHaveLength(duration.explicitBounds.length + 1);
    expect(duration.bucketCounts.reduce((sum, n) => sum + Number(n), 0)).toBe(Number(duration.count));
    // Attributes are route ids and closed enums: the patient id in the path appears nowhere.
    expect(JSON.stringify(pushes.map((p) => p.body))).not.toContain('MRN-99887766');
  });
});
