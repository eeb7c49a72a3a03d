// Per-request fallback: a safe request the new service could not answer is replayed on legacy before
// anything reached the client; a write is replayed only when the new service provably never got it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startNewServiceDemo, type NewServiceDemoHandle } from '../../src/demo/new-service/server.ts';
import { startEchoUpstream, startUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { type TestFicus, lastRequestLog, startTestFicus } from '../support/ficus/test-ficus.ts';
import { closedPortUrl } from '../support/upstreams/loopback.ts';

const ROUTES = `routes:
  - id: records
    match: { methods: ['*'], path: /records/:id }
    new: next
    flag: ficus.records
    timeouts: { headersMs: 300 }
    breaker: { enabled: false }
`;

const upstreamsYaml = (legacy: string, next: string) => `upstreams:\n  legacy:\n    url: ${legacy}\n  next:\n    url: ${next}\n`;

async function post(url: string, body: string) {
  return fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
}

describe('fallback when the new service fails (mode new)', () => {
  let legacy: TestUpstream;
  let next: NewServiceDemoHandle;
  let f: TestFicus;
  let refusing: TestFicus;

  beforeAll(async () => {
    legacy = await startEchoUpstream('legacy');
    next = await startNewServiceDemo({ behaviour: 'normal' });
    f = await startTestFicus({ upstreams: upstreamsYaml(legacy.url, next.url), routes: ROUTES, flags: { 'ficus.records': { mode: 'new' } } });
    refusing = await startTestFicus({ upstreams: upstreamsYaml(legacy.url, await closedPortUrl()), routes: ROUTES, flags: { 'ficus.records': { mode: 'new' } } });
  });
  afterAll(async () => {
    await f?.close();
    await refusing?.close();
    await next?.close();
    await legacy?.close();
  });
  beforeEach(() => {
    legacy.received.length = 0;
    next.reset();
  });

  it('serves legacy\'s response to a GET when the new service refuses the connection', async () => {
    const res = await fetch(`${refusing.proxyUrl}/records/1`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ side: 'legacy', method: 'GET', url: '/records/1' });
    expect(res.headers.get('server-timing')).toMatch(/upstream;dur=/);
    const line = await lastRequestLog(refusing.logs, refusing.requests().length || 1);
    expect(line).toMatchObject({ route: 'records', servedBy: 'legacy', status: 200, fallback: 'connect-refused' });
  });

  it('serves legacy\'s response to a GET when the new service times out', async () => {
    next.setBehaviour('hang');
    const before = f.requests().length;
    const res = await fetch(`${f.proxyUrl}/records/2`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ side: 'legacy', method: 'GET', url: '/records/2' });
    expect(res.headers.get('server-timing')).toMatch(/upstream;dur=/);
    expect(next.received().map((r) => r.method)).toEqual(['GET']);
    expect(await lastRequestLog(f.logs, before + 1)).toMatchObject({ servedBy: 'legacy', status: 200, fallback: 'timeout' });
  });

  it('serves legacy\'s response to a GET when the new service answers 500', async () => {
    next.setBehaviour('error500');
    const before = f.requests().length;
    const res = await fetch(`${f.proxyUrl}/records/3`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ side: 'legacy', method: 'GET', url: '/records/3' });
    expect(res.headers.get('server-timing')).toMatch(/upstream;dur=/);
    expect(await lastRequestLog(f.logs, before + 1)).toMatchObject({ servedBy: 'legacy', status: 200, fallback: 'status-5xx' });
  });

  it('does not replay a POST on legacy after the new service timed out (it may have acted on it)', async () => {
    next.setBehaviour('hang');
    const before = f.requests().length;
    const res = await post(`${f.proxyUrl}/records/4`, '{"note":"x"}');
    expect(res.status).toBe(504);
    expect(((await res.json()) as { error: string }).error).toBe('upstream_headers_timeout');
    expect(next.received().map((r) => r.method)).toEqual(['POST']);
    expect(legacy.received).toEqual([]);
    expect(await lastRequestLog(f.logs, before + 1)).toMatchObject({ servedBy: 'new', status: 504, failure: 'UPSTREAM_HEADERS_TIMEOUT' });
    expect(f.requests().at(-1)!.fallback).toBeUndefined();
  });

  it('does not replay a POST on legacy after the new service answered 500 (the client gets new\'s error)', async () => {
    next.setBehaviour('error500');
    const before = f.requests().length;
    const res = await post(`${f.proxyUrl}/records/5`, '{"note":"x"}');
    expect(res.status).toBe(500);
    expect(((await res.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
    expect(legacy.received).toEqual([]);
    expect(await lastRequestLog(f.logs, before + 1)).toMatchObject({ servedBy: 'new', status: 500 });
  });

  it('replays a POST on legacy when the new service refused the connection (it never got it)', async () => {
    const before = refusing.requests().length;
    const res = await post(`${refusing.proxyUrl}/records/6`, '{"note":"x"}');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ side: 'legacy', method: 'POST', url: '/records/6' });
    expect(legacy.received.map((r) => r.method)).toEqual(['POST']);
    expect(await lastRequestLog(refusing.logs, before + 1)).toMatchObject({ servedBy: 'legacy', status: 200, fallback: 'connect-refused' });
  });
});

describe('regression: ERR_HTTP_HEADERS_SENT when the body tee started before the upstream request existed', () => {
  it('forwards a POST with a body in mode new (teed for a possible replay) with its bytes intact', async () => {
    const legacy = await startEchoUpstream('legacy');
    const bodies: string[] = [];
    const next = await startUpstream((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (c: string) => (body += c));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(201, { 'content-type': 'text/plain' }).end('created');
      });
    });
    const f = await startTestFicus({ upstreams: upstreamsYaml(legacy.url, next.url), routes: ROUTES, flags: { 'ficus.records': { mode: 'new' } } });
    try {
      const payload = JSON.stringify({ note: 'x'.repeat(5_000) });
      const res = await post(`${f.proxyUrl}/records/9`, payload);
      expect(res.status).toBe(201);
      expect(await res.text()).toBe('created');
      expect(bodies).toEqual([payload]);
      expect(legacy.received).toEqual([]);
    } finally {
      await f.close();
      await next.close();
      await legacy.close();
    }
  });
});
