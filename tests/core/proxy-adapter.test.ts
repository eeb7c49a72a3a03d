// THE FORWARDING LIBRARY'S ADAPTER (src/dispatch/proxy-adapter.ts): one test per correction Ficus
// makes to http-proxy-3, through the real forwarder on real sockets, against a raw-socket upstream
// that records each request line and header line exactly as it arrived.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { FAILURES } from '../../src/dispatch/failures.ts';
import { createForwarder, type Forwarder } from '../../src/dispatch/forward.ts';
import { buildRequestHeaders } from '../../src/dispatch/hop-headers.ts';
import { relayResponse } from '../../src/dispatch/relay.ts';
import { closeUpstreamPool, createUpstreamPool, type UpstreamPool } from '../../src/dispatch/upstream-pool.ts';
import { rawExchange, send, withoutHeaders } from '../support/http/raw-http.ts';
import { closeServer, closedPortUrl, listenLoopback } from '../support/upstreams/loopback.ts';
import { startRecordingUpstream, type RecordingUpstream } from '../support/upstreams/recording-upstream.ts';

const ADDED_BY_FICUS = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'connection', 'transfer-encoding'];

interface Front {
  readonly url: string;
  /** Each call's outcome: `response 200`, or `<code> <phase>`. */
  readonly outcomes: string[];
  /** The client's req.headers as they stood right after forward() returned. */
  readonly headersAfterForward: http.IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** A bare Node server that hands every request to the forwarder (no routing, no Ficus around it). */
async function startFront(upstreamUrl: string, options: { maxSockets?: number; queueMs?: number } = {}): Promise<Front> {
  const pool: UpstreamPool = createUpstreamPool(new Map([['legacy', {
    name: 'legacy', url: upstreamUrl, rewriteHost: false, keepAliveMs: 4_000, maxSockets: options.maxSockets ?? 256,
    timeouts: options.queueMs === undefined ? {} : { queueMs: options.queueMs },
  }]]));
  const upstream = pool.get('legacy')!;
  const forwarder: Forwarder = createForwarder();
  const outcomes: string[] = [];
  const headersAfterForward: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    forwarder.forward({
      req, res, upstream, timeouts: upstream.timeouts, rawPath: req.url ?? '/',
      headers: buildRequestHeaders(req.rawHeaders, { forwarded: { remoteAddress: '127.0.0.1', protocol: 'http', trusted: false } }),
      onResponse(proxyRes) {
        outcomes.push(`response ${proxyRes.statusCode}`);
        relayResponse(res, proxyRes, { serverTiming: 'upstream;dur=0', onEnd: () => {} });
      },
      onFailure(failure, phase) {
        outcomes.push(`${failure.code} ${phase}`);
        if (res.headersSent) res.destroy();
        else res.writeHead(FAILURES[failure.code].status, { 'Content-Length': 0 }).end();
      },
    });
    headersAfterForward.push({ ...req.headers });
  });
  const url = await listenLoopback(server);
  return {
    url, outcomes, headersAfterForward,
    close: async () => {
      await closeServer(server);
      forwarder.close();
      closeUpstreamPool(pool);
    },
  };
}

describe('proxy adapter: corrections to http-proxy-3', () => {
  let upstream: RecordingUpstream | undefined;
  let front: Front | undefined;
  afterEach(async () => {
    await front?.close();
    await upstream?.close();
    front = undefined;
    upstream = undefined;
  });

  it('sends `OPTIONS *` as the request target (the library joins every target onto a base path: `/*`)', async () => {
    upstream = await startRecordingUpstream();
    front = await startFront(upstream.url);
    const { text } = await rawExchange(front.url, 'OPTIONS * HTTP/1.1\r\nHost: ehr.example\r\nConnection: close\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(upstream.requests.map((r) => r.requestLine)).toEqual(['OPTIONS * HTTP/1.1']);
  });

  it('renders interleaved repeats, each line\'s case and several Cookie lines one line each, also for a request queued for a pooled socket', async () => {
    upstream = await startRecordingUpstream({ hold: (r) => r.requestLine.startsWith('GET /first') });
    front = await startFront(upstream.url, { maxSockets: 1 });
    const first = send(front.url, { path: '/first', headers: ['Host', 'ehr.example'] });
    await upstream.requestCount(1);
    // The only socket is busy: this request waits in the agent's queue before anything is written.
    const headers = ['Host', 'ehr.example', 'X-A', '1', 'X-B', '2', 'x-a', '3', 'Cookie', 'c=1', 'Accept', '*/*', 'Cookie', 'd=2'];
    const queued = send(front.url, { path: '/queued', headers });
    upstream.held[0]!.release();
    expect((await first).status).toBe(200);
    expect((await queued).status).toBe(200);
    const [held, second] = upstream.requests;
    expect(second!.connection).toBe(held!.connection);
    expect(second!.requestLine).toBe('GET /queued HTTP/1.1');
    expect(withoutHeaders(second!.headerLines, ADDED_BY_FICUS)).toEqual(withoutHeaders(headers, []));
  });

  it('gives each of many concurrent calls its own head (no call can render another call\'s headers)', async () => {
    upstream = await startRecordingUpstream();
    front = await startFront(upstream.url, { maxSockets: 4 });
    const ids = Array.from({ length: 24 }, (_, i) => String(i));
    await Promise.all(ids.map((id) => send(front!.url, { path: `/call/${id}`, headers: ['Host', 'ehr.example', 'X-Call', id] })));
    const pairs = upstream.requests.map((r) => [r.requestLine.split(' ')[1], r.headerLines[r.headerLines.indexOf('X-Call') + 1]]);
    expect(pairs).toHaveLength(ids.length);
    for (const [path, id] of pairs) expect(path).toBe(`/call/${id}`);
  });

  it('leaves the client\'s req.headers as Node parsed them (the library\'s deleteLength wrote content-length: 0 into them and deleted transfer-encoding)', async () => {
    upstream = await startRecordingUpstream();
    front = await startFront(upstream.url);
    const { text } = await rawExchange(front.url, 'DELETE /items/1 HTTP/1.1\r\nHost: ehr.example\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(front.headersAfterForward[0]).toMatchObject({ 'transfer-encoding': 'chunked' });
    expect(front.headersAfterForward[0]!['content-length']).toBeUndefined();
    expect(upstream.requests[0]!.body.toString()).toBe('hello');
  });

  it('times a call from its creation: one waiting for a pooled socket past queueMs fails before anything of it reaches the upstream', async () => {
    upstream = await startRecordingUpstream({ hold: (r) => r.requestLine.startsWith('GET /first') });
    front = await startFront(upstream.url, { maxSockets: 1, queueMs: 200 });
    const first = send(front.url, { path: '/first', headers: ['Host', 'ehr.example'] });
    await upstream.requestCount(1);
    const queued = await send(front.url, { path: '/queued', headers: ['Host', 'ehr.example'] });
    expect(queued.status).toBe(503);
    expect(front.outcomes).toContain('UPSTREAM_QUEUE_TIMEOUT before-response');
    upstream.held[0]!.release();
    await first;
    // The socket the queued call waited for carries the next call, not the abandoned one.
    await send(front.url, { path: '/next', headers: ['Host', 'ehr.example'] });
    expect(upstream.requests.map((r) => r.requestLine)).toEqual(['GET /first HTTP/1.1', 'GET /next HTTP/1.1']);
  });

  it('hands a refused connection to the call as exactly one failure (the library\'s error reaches the callback, nothing is thrown)', async () => {
    front = await startFront(await closedPortUrl());
    const res = await send(front.url, { path: '/anything', headers: ['Host', 'ehr.example'] });
    expect(res.status).toBe(502);
    expect(front.outcomes).toEqual(['UPSTREAM_CONNECT_REFUSED before-response']);
  });
});
