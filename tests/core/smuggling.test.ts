// REQUEST SMUGGLING: ambiguous or malformed framing is refused by Ficus itself (400/431) and the
// upstream — a raw `net` server counting every byte it receives — sees nothing at all. (Framing that
// breaks inside a body, and bodies that carry a request, are in smuggling-keep-alive.test.ts.)
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { closeServer, listenLoopback } from '../support/upstreams/loopback.ts';
import { metricValue } from '../support/metrics/metric-value.ts';
import { rawExchange } from '../support/http/raw-http.ts';

describe('request smuggling', () => {
  let upstream: net.Server;
  let upstreamBytes = 0;
  let h: TestFicus;
  beforeAll(async () => {
    upstream = net.createServer((socket) => {
      socket.on('data', (chunk) => (upstreamBytes += chunk.length));
      socket.on('error', () => {});
    });
    const url = await listenLoopback(upstream);
    h = await startTestFicus({ upstreams: { legacy: { url, timeouts: { headersMs: 500 } } } });
  });
  afterAll(async () => {
    await h?.close();
    await closeServer(upstream);
  });

  const CASES: [string, string, RegExp][] = [
    ['Content-Length with Transfer-Encoding', 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n', /^HTTP\/1\.1 400 /],
    ['two different Content-Lengths', 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 44\r\n\r\nhello', /^HTTP\/1\.1 400 /],
    ['a Content-Length list', 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello', /^HTTP\/1\.1 400 /],
    ['an obfuscated Transfer-Encoding', 'POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n', /^HTTP\/1\.1 (400|501) /],
    ['a space before the colon', 'GET /a HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello', /^HTTP\/1\.1 400 /],
    ['a control byte in a header value', 'GET /a HTTP/1.1\r\nHost: x\r\nX-Bad: a\x01b\r\n\r\n', /^HTTP\/1\.1 400 /],
    ['a bare LF line ending inside headers', 'GET /a HTTP/1.1\r\nHost: x\nX-Evil: 1\r\n\r\n', /^HTTP\/1\.1 400 /],
    ['a non-token header name', 'GET /a HTTP/1.1\r\nHost: x\r\nX(Bad): 1\r\n\r\n', /^HTTP\/1\.1 400 /],
    ['Transfer-Encoding then Content-Length', 'POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n', /^HTTP\/1\.1 400 /],
    ['chunked that is not the last coding', 'POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n', /^HTTP\/1\.1 400 /],
    ['two Transfer-Encoding lines', 'POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n', /^HTTP\/1\.1 400 /],
    ['a space before the colon of Transfer-Encoding', 'POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n', /^HTTP\/1\.1 400 /],
    ['an obs-fold continuation line', 'GET /a HTTP/1.1\r\nHost: x\r\nX-Fold: a\r\n GET /smuggled HTTP/1.1\r\n\r\n', /^HTTP\/1\.1 400 /],
    ['a bare CR inside headers', 'GET /a HTTP/1.1\r\nHost: x\rX-Evil: 1\r\n\r\n', /^HTTP\/1\.1 400 /],
    ['bare LF line endings throughout', 'GET /a HTTP/1.1\nHost: x\n\n', /^HTTP\/1\.1 400 /],
    ['a bare LF after a chunk size', 'POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n', /^HTTP\/1\.1 400 /],
    ['a bare LF inside a chunk extension', 'POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\nc\r\nhello\r\n0\r\n\r\n', /^HTTP\/1\.1 400 /],
    ['a chunk size that overflows', 'POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\nx\r\n0\r\n\r\n', /^HTTP\/1\.1 400 /],
    ['headers over 16 KB', `GET /a HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`, /^HTTP\/1\.1 431 /],
  ];

  it.each(CASES)('refuses %s before anything reaches the upstream', async (_name, bytes, status) => {
    const before = upstreamBytes;
    const refusalsBefore = await metricValue(h.adminUrl, 'ficus_requests_refused_total');
    const { text } = await rawExchange(h.proxyUrl, bytes);
    expect(text).toMatch(status);
    expect(text).not.toMatch(/smuggled/);
    expect(upstreamBytes).toBe(before);
    expect(await metricValue(h.adminUrl, 'ficus_requests_refused_total')).toBe(refusalsBefore + 1);
  });

  it('forwards a well-formed request (the counter works)', async () => {
    const before = upstreamBytes;
    await rawExchange(h.proxyUrl, 'GET /ok HTTP/1.1\r\nHost: x\r\n\r\n', 300);
    expect(upstreamBytes).toBeGreaterThan(before);
  });
});
