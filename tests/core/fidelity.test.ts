// FIDELITY: the same requests sent directly to a real upstream and through Ficus give the same
// bytes, except the documented proxy headers (Server-Timing, Connection/Keep-Alive on the client
// hop; X-Forwarded-* and the hop-by-hop fields on the request side).
import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyDemo, type LegacyDemoHandle } from '../../src/demo/legacy/server.ts';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { LATIN1_HL7, startFidelityUpstream, type FidelityUpstream } from '../support/upstreams/fidelity-upstream.ts';
import { headerValues, send, sha256, withoutHeaders, type RawResponse } from '../support/http/raw-http.ts';
import { startRecordingUpstream, type RecordingUpstream } from '../support/upstreams/recording-upstream.ts';

const REQUEST_SIDE_PROXY_HEADERS = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'connection', 'keep-alive', 'te', 'transfer-encoding', 'upgrade', 'proxy-connection', 'trailer', 'traceparent'];
const RESPONSE_SIDE_PROXY_HEADERS = ['server-timing', 'connection', 'keep-alive'];

interface EchoReport {
  method: string;
  url: string;
  rawHeaders: string[];
  body: { length: number; sha256: string };
}

const echoOf = (r: RawResponse) => JSON.parse(r.body.toString('utf8')) as EchoReport;

describe('fidelity: request side', () => {
  let upstream: FidelityUpstream;
  let h: TestFicus;
  beforeAll(async () => {
    upstream = await startFidelityUpstream();
    h = await startTestFicus({ upstreams: { legacy: { url: upstream.url } } });
  });
  afterAll(async () => {
    await h?.close();
    await upstream?.close();
  });

  /** Sends the request directly and through Ficus; returns both echo reports. */
  async function both(request: Parameters<typeof send>[1]): Promise<{ direct: EchoReport; proxied: EchoReport }> {
    const direct = await send(upstream.url, request);
    const proxied = await send(h.proxyUrl, request);
    expect(proxied.status).toBe(direct.status);
    return { direct: echoOf(direct), proxied: echoOf(proxied) };
  }

  it.each([
    '/echo//a//b',
    '/echo/a/../b',
    '/echo/./c/%2e%2e/d',
    '/echo/x%2Fy%2fz',
    '/echo?q=%2F&q=2&q=&q',
    '/echo/%zz?a=1&a=1;b=%00',
    '/echo/caf%C3%A9/~user/[x]',
  ])('keeps the request target %s byte for byte', async (path) => {
    const { direct, proxied } = await both({ path, headers: ['Host', 'ehr.example'] });
    expect(direct.url).toBe(path);
    expect(proxied.url).toBe(path);
  });

  it.each(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND'])('keeps the method %s', async (method) => {
    const { proxied } = await both({ method, path: '/echo/m', headers: ['Host', 'ehr.example', 'Content-Length', '0'] });
    expect(proxied.method).toBe(method);
  });

  it("keeps header names' case and repeated headers as sent", async () => {
    const headers = ['Host', 'ehr.example', 'X-Custom-CASE', 'a', 'x-lower', 'b', 'Accept', '*/*', 'X-Dup', '1', 'X-Dup', '2', 'X-Empty', ''];
    const { direct, proxied } = await both({ path: '/echo/h', headers });
    expect(withoutHeaders(proxied.rawHeaders, REQUEST_SIDE_PROXY_HEADERS)).toEqual(withoutHeaders(direct.rawHeaders, REQUEST_SIDE_PROXY_HEADERS));
    expect(withoutHeaders(proxied.rawHeaders, REQUEST_SIDE_PROXY_HEADERS)).toEqual(withoutHeaders(headers, []));
  });

  it('keeps interleaved repeated headers in their order and case, one line each (A, B, A; x-dup then X-Dup; several Cookie lines)', async () => {
    const headers = ['Host', 'ehr.example', 'X-A', '1', 'X-B', '2', 'X-A', '3', 'x-dup', 'lower', 'X-Dup', 'upper', 'Cookie', 'sid=1', 'Accept', '*/*', 'Cookie', 'theme=dark'];
    const { direct, proxied } = await both({ path: '/echo/interleaved', headers });
    expect(withoutHeaders(proxied.rawHeaders, REQUEST_SIDE_PROXY_HEADERS)).toEqual(withoutHeaders(direct.rawHeaders, REQUEST_SIDE_PROXY_HEADERS));
    expect(withoutHeaders(proxied.rawHeaders, REQUEST_SIDE_PROXY_HEADERS)).toEqual(withoutHeaders(headers, []));
  });

  it('preserves the client Host by default', async () => {
    const { proxied } = await both({ path: '/echo/host', headers: ['Host', 'ehr.example:8443'] });
    expect(headerValues(proxied.rawHeaders, 'host')).toEqual(['ehr.example:8443']);
  });

  it('sets X-Forwarded-For/-Proto/-Host from the peer, replacing forged values from an untrusted client', async () => {
    const { proxied } = await both({ path: '/echo/xff', headers: ['Host', 'ehr.example', 'X-Forwarded-For', '6.6.6.6', 'X-Forwarded-Host', 'evil.example'] });
    expect(headerValues(proxied.rawHeaders, 'x-forwarded-for')).toEqual(['127.0.0.1']);
    expect(headerValues(proxied.rawHeaders, 'x-forwarded-proto')).toEqual(['http']);
    expect(headerValues(proxied.rawHeaders, 'x-forwarded-host')).toEqual(['ehr.example']);
  });

  it('strips hop-by-hop request headers, including those named in Connection', async () => {
    const headers = ['Host', 'ehr.example', 'Connection', 'X-Secret, keep-alive', 'X-Secret', 's3cr3t', 'Keep-Alive', 'timeout=5', 'TE', 'trailers', 'Proxy-Connection', 'keep-alive', 'X-Kept', 'yes'];
    const proxied = echoOf(await send(h.proxyUrl, { path: '/echo/hop', headers }));
    const names = proxied.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    for (const gone of ['x-secret', 'keep-alive', 'te', 'proxy-connection']) expect(names).not.toContain(gone);
    expect(headerValues(proxied.rawHeaders, 'x-kept')).toEqual(['yes']);
    expect(headerValues(proxied.rawHeaders, 'connection').join()).not.toMatch(/x-secret/i);
  });

  it('streams a chunked request body byte-identical', async () => {
    const parts = Array.from({ length: 50 }, (_, i) => randomBytes(1000 + i * 37));
    const expected = createHash('sha256');
    for (const p of parts) expected.update(p);
    const body = () => Readable.from((async function* () {
      for (const p of parts) {
        yield p;
        await new Promise((r) => setImmediate(r));
      }
    })());
    const headers = ['Host', 'ehr.example', 'Transfer-Encoding', 'chunked', 'Content-Type', 'application/octet-stream'];
    const direct = echoOf(await send(upstream.url, { method: 'POST', path: '/echo/chunked', headers, body: body() }));
    const proxied = echoOf(await send(h.proxyUrl, { method: 'POST', path: '/echo/chunked', headers, body: body() }));
    expect(proxied.body).toEqual({ length: parts.reduce((n, p) => n + p.length, 0), sha256: expected.digest('hex') });
    expect(proxied.body).toEqual(direct.body);
  });

  it('passes a non-UTF-8 (HL7 v2, ISO-8859-1) request body byte-identical', async () => {
    const headers = ['Host', 'ehr.example', 'Content-Type', 'application/hl7-v2; charset=ISO-8859-1', 'Content-Length', String(LATIN1_HL7.length)];
    const proxied = echoOf(await send(h.proxyUrl, { method: 'POST', path: '/echo/hl7', headers, body: LATIN1_HL7 }));
    expect(proxied.body).toEqual({ length: LATIN1_HL7.length, sha256: sha256(LATIN1_HL7) });
  });

  it('answers Expect: 100-continue and forwards the body once the client sends it', async () => {
    const url = new URL(h.proxyUrl);
    const body = Buffer.from('{"dose":"5 mg"}');
    const result = await new Promise<{ continued: boolean; report: EchoReport }>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, method: 'POST', path: '/echo/expect', agent: false, headers: { Host: 'ehr.example', Expect: '100-continue', 'Content-Length': body.length } });
      let continued = false;
      req.on('continue', () => {
        continued = true;
        req.end(body);
      });
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ continued, report: JSON.parse(Buffer.concat(chunks).toString()) as EchoReport }));
      });
    });
    expect(result.continued).toBe(true);
    expect(result.report.body).toEqual({ length: body.length, sha256: sha256(body) });
  });

  it('aborts the upstream request when the client aborts mid-upload', async () => {
    const url = new URL(h.proxyUrl);
    const client = net.connect(Number(url.port), url.hostname);
    client.on('error', () => {});
    client.write('POST /echo/abort-upload HTTP/1.1\r\nHost: ehr.example\r\nContent-Length: 1000000\r\n\r\n');
    client.write(Buffer.alloc(10_000, 7));
    await upstream.settled('/echo/abort-upload', (r) => r.bodyLength > 0);
    client.destroy();
    const seen = await upstream.settled('/echo/abort-upload');
    expect(seen.outcome).toBe('closed-early');
  });

  it('aborts the upstream request when the client leaves while the upstream is still answering ', async () => {
    const url = new URL(h.proxyUrl);
    const client = net.connect(Number(url.port), url.hostname);
    client.on('error', () => {});
    client.write('GET /hang?abort HTTP/1.1\r\nHost: ehr.example\r\n\r\n');
    await upstream.settled('/hang?abort', () => true);
    client.destroy();
    const seen = await upstream.settled('/hang?abort', (r) => r.responseCutByPeer);
    expect(seen.responseCutByPeer).toBe(true);
  });

  it('keeps the path as sent through the demo legacy /echo', async () => {
    const legacy: LegacyDemoHandle = await startLegacyDemo();
    const hl = await startTestFicus({ upstreams: { legacy: { url: legacy.url } } });
    try {
      const path = '/echo//a//b/../c?x=%2F&x=%2f';
      const direct = echoOf(await send(legacy.url, { path, headers: ['Host', 'ehr.example', 'X-Case-Kept', '1'] }));
      const proxied = echoOf(await send(hl.proxyUrl, { path, headers: ['Host', 'ehr.example', 'X-Case-Kept', '1'] }));
      expect(proxied.url).toBe(path);
      expect(withoutHeaders(proxied.rawHeaders, REQUEST_SIDE_PROXY_HEADERS)).toEqual(withoutHeaders(direct.rawHeaders, REQUEST_SIDE_PROXY_HEADERS));
    } finally {
      await hl.close();
      await legacy.close();
    }
  });
});

describe('fidelity: shadow copies', () => {
  let next: RecordingUpstream;
  let h: TestFicus;
  beforeAll(async () => {
    next = await startRecordingUpstream();
    h = await startTestFicus({ upstreams: { next: { url: next.url } }, flags: { 'ficus.items': { mode: 'shadow' } } });
  });
  afterAll(async () => {
    await h?.close();
    await next?.close();
  });

  it('sends a shadow copy with the request target and the header lines as the client wrote them, one line each', async () => {
    const headers = ['Host', 'ehr.example', 'X-A', '1', 'X-B', '2', 'x-a', '3', 'Cookie', 'sid=1', 'Cookie', 'theme=dark'];
    expect((await send(h.proxyUrl, { path: '/items/7?q=%2F&q=', headers })).status).toBe(200);
    const [copy] = await next.requestCount(1);
    expect(copy!.requestLine).toBe('GET /items/7?q=%2F&q= HTTP/1.1');
    expect(withoutHeaders(copy!.headerLines, [...REQUEST_SIDE_PROXY_HEADERS, 'ficus-shadow'])).toEqual(withoutHeaders(headers, []));
    expect(headerValues(copy!.headerLines, 'ficus-shadow')).toEqual(['shadow']);
  });
});

describe('fidelity: rewriteHost', () => {
  it("rewrites Host to the upstream's own host when the upstream sets rewriteHost", async () => {
    const upstream = await startFidelityUpstream();
    const h = await startTestFicus({ upstreams: { legacy: { url: upstream.url, rewriteHost: true } } });
    try {
      const proxied = echoOf(await send(h.proxyUrl, { path: '/echo/rh', headers: ['Host', 'ehr.example'] }));
      expect(headerValues(proxied.rawHeaders, 'host')).toEqual([new URL(upstream.url).host]);
      expect(headerValues(proxied.rawHeaders, 'x-forwarded-host')).toEqual(['ehr.example']);
    } finally {
      await h.close();
      await upstream.close();
    }
  });
});

describe('fidelity: response side', () => {
  let upstream: FidelityUpstream;
  let h: TestFicus;
  beforeAll(async () => {
    upstream = await startFidelityUpstream();
    h = await startTestFicus({ upstreams: { legacy: { url: upstream.url } } });
  });
  afterAll(async () => {
    await h?.close();
    await upstream?.close();
  });

  async function compare(request: Parameters<typeof send>[1]): Promise<{ direct: RawResponse; proxied: RawResponse }> {
    const direct = await send(upstream.url, request);
    const proxied = await send(h.proxyUrl, request);
    expect(proxied.status).toBe(direct.status);
    expect(proxied.statusMessage).toBe(direct.statusMessage);
    expect(withoutHeaders(proxied.rawHeaders, RESPONSE_SIDE_PROXY_HEADERS)).toEqual(withoutHeaders(direct.rawHeaders, RESPONSE_SIDE_PROXY_HEADERS));
    expect(proxied.body.equals(direct.body)).toBe(true);
    return { direct, proxied };
  }

  it('keeps several Set-Cookie, header case, repeats and the reason phrase', async () => {
    const { proxied } = await compare({ path: '/cookies' });
    expect(headerValues(proxied.rawHeaders, 'set-cookie')).toEqual(['a=1; Path=/; HttpOnly', 'b=2; Path=/; Secure', 'c=3, with comma; Path=/']);
    expect(proxied.rawHeaders).toContain('X-Mixed-CASE');
    expect(proxied.statusMessage).toBe('Fine Thanks');
  });

  it('streams a chunked response byte-identical', async () => {
    const { proxied } = await compare({ path: '/stream' });
    expect(headerValues(proxied.rawHeaders, 'transfer-encoding')).toEqual(['chunked']);
    expect(proxied.body.length).toBe(20 * 1000 + 190 + 10);
  });

  it('passes a non-UTF-8 (HL7 v2, ISO-8859-1) response body byte-identical', async () => {
    const { proxied } = await compare({ path: '/latin1' });
    expect(proxied.body.equals(LATIN1_HL7)).toBe(true);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const { proxied } = await compare({ method: 'HEAD', path: '/head' });
    expect(headerValues(proxied.rawHeaders, 'content-length')).toEqual(['1234']);
    expect(proxied.body.length).toBe(0);
  });

  it('passes 304 Not Modified without a body', async () => {
    const { proxied } = await compare({ path: '/etag', headers: ['Host', 'ehr.example', 'If-None-Match', '"v1"'] });
    expect(proxied.status).toBe(304);
    expect(proxied.body.length).toBe(0);
  });

  it('passes 204 No Content without a body', async () => {
    const { proxied } = await compare({ path: '/no-content' });
    expect(proxied.status).toBe(204);
  });

  it('strips hop-by-hop response headers, including those named in Connection', async () => {
    const proxied = await send(h.proxyUrl, { path: '/hop' });
    const names = proxied.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names).not.toContain('x-private');
    expect(headerValues(proxied.rawHeaders, 'keep-alive').join()).not.toMatch(/timeout=5$/);
    expect(headerValues(proxied.rawHeaders, 'x-public')).toEqual(['yes']);
  });

  it('adds Server-Timing with the upstream duration and the mode', async () => {
    const proxied = await send(h.proxyUrl, { path: '/no-content' });
    expect(headerValues(proxied.rawHeaders, 'server-timing')).toHaveLength(1);
    expect(headerValues(proxied.rawHeaders, 'server-timing')[0]).toMatch(/^upstream;dur=\d+(\.\d+)?, ficus;desc=legacy$/);
  });

  it.each(['/reset-mid-body', '/reset-mid-chunked'])('closes the client connection when the upstream resets mid-body (%s), never a whole-looking response', async (path) => {
    await expect(send(h.proxyUrl, { path })).rejects.toThrow();
  });

  it('relays a WebSocket upgrade with the 101 headers as the upstream wrote them, and its bytes both ways (regression: lowercased handshake headers)', async () => {
    const url = new URL(h.proxyUrl);
    const key = randomBytes(16).toString('base64');
    const socket = net.connect(Number(url.port), url.hostname);
    socket.on('error', () => {});
    try {
      const received: Buffer[] = [];
      const handshake = new Promise<string>((resolve) => {
        socket.on('data', (c) => {
          received.push(c);
          const text = Buffer.concat(received).toString('latin1');
          if (text.includes('\r\n\r\n')) resolve(text);
        });
      });
      socket.write(`GET /ws//chat?room=%2F1 HTTP/1.1\r\nHost: ehr.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      const head = await handshake;
      expect(head).toMatch(/^HTTP\/1\.1 101 /);
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      expect(head).toContain(`Sec-WebSocket-Accept: ${accept}`);
      expect(head).toContain('X-Seen-Url: /ws//chat?room=%2F1');
      received.length = 0;
      const frame = Buffer.from([0x81, 0x85, 1, 2, 3, 4, 0x68 ^ 1, 0x65 ^ 2, 0x6c ^ 3, 0x6c ^ 4, 0x6f ^ 1]);
      const echoed = new Promise<Buffer>((resolve) => {
        socket.on('data', () => {
          const all = Buffer.concat(received);
          if (all.length >= frame.length) resolve(all);
        });
      });
      socket.write(frame);
      expect((await echoed).equals(frame)).toBe(true);
    } finally {
      socket.destroy();
    }
  });
});
