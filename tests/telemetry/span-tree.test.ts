import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ROUTES } from '../support/ficus/config-files.ts';
import { startEchoUpstream, startUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { waitFor } from '../support/wait-for.ts';
import { type TestFicus, startTestFicus } from '../support/ficus/test-ficus.ts';

let legacy: TestUpstream;
let next: TestUpstream;
let t: TestFicus;

beforeAll(async () => {
  legacy = await startEchoUpstream('legacy');
  // The new service fails /items/fail (so Ficus falls back to legacy) and answers everything else.
  next = await startUpstream((req, res) => {
    req.resume();
    const status = req.url === '/items/fail' ? 503 : 200;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ side: 'new' }));
  });
  t = await startTestFicus({ routes: DEFAULT_ROUTES, upstreams: { legacy: legacy.url, next: next.url }, flags: { 'ficus.items': { mode: 'new' } }, traces: 'in-memory' });
});
afterAll(async () => {
  await t?.close();
  await Promise.all([legacy?.close(), next?.close()]);
});
beforeEach(() => {
  t.spans.reset();
  legacy.received.length = 0;
  next.received.length = 0;
});

const traceparentOf = (u: TestUpstream, index = 0) => {
  const raw = u.received[index]!.rawHeaders;
  const at = raw.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === 'traceparent');
  return at === -1 ? undefined : raw[at + 1];
};
const idOf = (s: ReadableSpan) => s.spanContext().spanId;
const traceOf = (s: ReadableSpan) => s.spanContext().traceId;

describe('span tree of one request', () => {
  it('on fallback has one server span with a new and a legacy client span, each upstream seeing its own span as parent', async () => {
    const res = await fetch(`${t.ficus.proxyUrl}/items/fail`);
    expect(((await res.json()) as { side: string }).side).toBe('legacy');
    const spans = await waitFor(() => (t.spans.getFinishedSpans().length >= 3 ? t.spans.getFinishedSpans() : undefined));

    const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
    expect(server.name).toBe('GET /items/:id');
    expect(server.parentSpanContext).toBeUndefined();
    expect(server.attributes).toMatchObject({
      'http.route': '/items/:id', 'ficus.route': 'items', 'ficus.mode': 'new', 'ficus.flag': 'ficus.items',
      'ficus.served_by': 'legacy', 'ficus.fallback_reason': 'status-5xx', 'http.response.status_code': 200,
    });
    expect(server.attributes['ficus.variant']).toBeTypeOf('string');
    expect(server.attributes['ficus.flag_revision']).toBeTypeOf('string');

    const clients = spans.filter((s) => s.kind === SpanKind.CLIENT);
    const newSpan = clients.find((s) => s.attributes['ficus.side'] === 'new')!;
    const legacySpan = clients.find((s) => s.attributes['ficus.side'] === 'legacy')!;
    for (const child of [newSpan, legacySpan]) {
      expect(traceOf(child)).toBe(traceOf(server));
      expect(child.parentSpanContext?.spanId).toBe(idOf(server));
    }
    expect(newSpan.attributes['http.response.status_code']).toBe(503);
    expect(traceparentOf(next)).toBe(`00-${traceOf(server)}-${idOf(newSpan)}-01`);
    expect(traceparentOf(legacy)).toBe(`00-${traceOf(server)}-${idOf(legacySpan)}-01`);
  });

  it("continues the client's trace when the request carries a traceparent", async () => {
    const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await (await fetch(`${t.ficus.proxyUrl}/items/7`, { headers: { traceparent: parent } })).arrayBuffer();
    const server = await waitFor(() => t.spans.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER));
    expect(traceOf(server)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(server.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    const client = await waitFor(() => t.spans.getFinishedSpans().find((s) => s.kind === SpanKind.CLIENT));
    expect(traceparentOf(next)).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${idOf(client)}-01`);
  });

  it('names a pass-through request by its method only', async () => {
    await (await fetch(`${t.ficus.proxyUrl}/elsewhere/abc?x=1`)).arrayBuffer();
    const server = await waitFor(() => t.spans.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER));
    expect(server.name).toBe('GET');
    expect(server.attributes['http.route']).toBeUndefined();
  });

  it('in shadow mode links a separate copy span to the request span and ends it with the comparison verdict', async () => {
    await t.setFlags({ 'ficus.items': { mode: 'shadow' } });
    await (await fetch(`${t.ficus.proxyUrl}/items/2`)).arrayBuffer();
    await waitFor(() => next.received.length > 0);
    await t.ficus.flush();
    const copy = await waitFor(() => t.spans.getFinishedSpans().find((s) => s.attributes['ficus.copy_kind'] === 'shadow'));
    const server = t.spans.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER)!;
    expect(server.attributes['ficus.served_by']).toBe('legacy');
    expect(copy.parentSpanContext).toBeUndefined();
    expect(copy.links.map((l) => l.context.spanId)).toEqual([idOf(server)]);
    expect(copy.links[0]!.context.traceId).toBe(traceOf(server));
    expect(copy.attributes['ficus.comparison.verdict']).toMatch(/^(match|mismatch|uncomparable)$/);
    expect(traceparentOf(next)).toBe(`00-${traceOf(copy)}-${idOf(copy)}-01`);
    const legacyClient = t.spans.getFinishedSpans().find((s) => s.kind === SpanKind.CLIENT && s.attributes['ficus.side'] === 'legacy' && !s.attributes['ficus.copy_kind'])!;
    expect(traceparentOf(legacy)).toBe(`00-${traceOf(server)}-${idOf(legacyClient)}-01`);
  });
});
