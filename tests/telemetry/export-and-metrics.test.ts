import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTelemetrySettings } from '../../src/config/env.ts';
import { DEFAULT_ROUTES } from '../support/ficus/config-files.ts';
import { startEchoUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { listenLoopback, closeServer } from '../support/upstreams/loopback.ts';
import { waitFor } from '../support/wait-for.ts';
import { type TestFicus, startTestFicus } from '../support/ficus/test-ficus.ts';

// A real OTLP/HTTP receiver on loopback: records the bodies POSTed to /v1/traces.
const received: { path: string; contentType: string; body: string }[] = [];
let receiver: http.Server;
let receiverUrl: string;
let legacy: TestUpstream;
let next: TestUpstream;
let t: TestFicus;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', contentType: String(req.headers['content-type']), body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  receiverUrl = await listenLoopback(receiver);
  legacy = await startEchoUpstream('legacy');
  next = await startEchoUpstream('new');
  // Settings exactly as main builds them from the standard variables.
  const telemetry = readTelemetrySettings({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl, OTEL_SERVICE_NAME: 'ficus-test' });
  t = await startTestFicus({
    routes: DEFAULT_ROUTES, upstreams: { legacy: legacy.url, next: next.url },
    flags: { 'ficus.items': { mode: 'shadow' } }, settings: { telemetry },
  });
});
afterAll(async () => {
  await t?.close();
  await Promise.all([legacy?.close(), next?.close(), receiver && closeServer(receiver)]);
});

describe('OTLP/HTTP export', () => {
  it('delivers the request spans to a real receiver at OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces when Ficus closes', async () => {
    await (await fetch(`${t.ficus.proxyUrl}/items/1`)).arrayBuffer();
    await waitFor(() => next.received.length > 0);
    await t.ficus.flush();
    // close() shuts the SDK down, which flushes the BatchSpanProcessor.
    await t.ficus.close();
    const posts = received.filter((r) => r.path === '/v1/traces');
    expect(posts.length).toBeGreaterThan(0);
    const all = posts.map((p) => p.body).join('\n');
    expect(all).toContain('GET /items/:id');
    expect(all).toContain('ficus-test');
    expect(all).toContain('shadow GET /items/:id');
  });
});

describe('/metrics on the admin port', () => {
  let metrics: TestFicus;
  beforeAll(async () => {
    metrics = await startTestFicus({ routes: DEFAULT_ROUTES, upstreams: { legacy: legacy.url, next: next.url }, flags: { 'ficus.items': { mode: 'shadow' } }, traces: 'in-memory' });
  });
  afterAll(async () => metrics?.close());

  it('answers Prometheus text without a token, with per-route series', async () => {
    for (const path of ['/items/1', '/items/2', '/nowhere']) await (await fetch(`${metrics.ficus.proxyUrl}${path}`)).arrayBuffer();
    await waitFor(() => next.received.length >= 3);
    await metrics.ficus.flush();
    const res = await fetch(`${metrics.ficus.adminUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toContain('ficus_requests_total{route="items",mode="shadow",side="legacy",status="2xx"} 2');
    expect(text).toContain('ficus_requests_total{route="_passthrough",mode="legacy",side="legacy",status="2xx"} 1');
    expect(text).toContain('ficus_request_duration_seconds_count{route="items",side="legacy"} 2');
    expect(text).toMatch(/ficus_mirrored_total\{route="items",side="new",status="2xx"\} 2/);
    expect(text).toMatch(/ficus_comparisons_total\{route="items",verdict="\w+"\} 2/);
    expect(text).toMatch(/ficus_flags_staleness_seconds \d/);
    expect(text).toContain('# TYPE ficus_breaker_state gauge');
    // Every sample line is `name{labels} value` or `name value`.
    for (const line of text.trim().split('\n').filter((l) => !l.startsWith('#'))) expect(line).toMatch(/^[a-z_]+(\{[^}]*\})? [0-9.e+-]+$/);
  });
});
