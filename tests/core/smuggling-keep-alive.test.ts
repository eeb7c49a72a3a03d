// REQUEST SMUGGLING into a keep-alive upstream, in the style of httpxy's GHSA-ggv3-7p47-pfv8 test: a
// well-formed chunked request whose body is itself a request. A proxy that re-frames the body
// differently from how the client framed it (http-proxy's deleteLength pass gave a chunked DELETE
// `Content-Length: 0` and dropped Transfer-Encoding) leaves the body bytes on the pooled upstream
// connection, where the upstream reads them as the next request. The upstream here is raw `net`,
// records every byte per connection and splits requests by strict framing, like a backend would.
// Ficus keeps the upstream connection alive, so the proof is stronger than "Connection: close":
// the smuggled bytes arrive as the body of the one request, that connection is left at a request
// boundary, and the next request the upstream parses is the next real one.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { startRecordingUpstream, type RecordingUpstream } from '../support/upstreams/recording-upstream.ts';

const SMUGGLED = 'GET /secret HTTP/1.1\r\nHost: ficus.test\r\n\r\n';

/** Writes raw bytes on a fresh client connection; resolves with what came back once `done` says so or the peer closed. */
function exchange(proxyUrl: string, bytes: string, done: (text: string) => boolean): Promise<string> {
  const url = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (done(text)) socket.destroy();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
    socket.on('close', () => resolve(text));
    socket.write(bytes);
  });
}

const answered = (text: string) => /\r\n\r\nok$/.test(text);

function smugglingPayload(method: string, connection: string): string {
  const size = Buffer.byteLength(SMUGGLED).toString(16).toUpperCase();
  return `${method} /rewrites/poc HTTP/1.1\r\nHost: ficus.test\r\nTransfer-Encoding: chunked\r\nConnection: ${connection}\r\n\r\n${size}\r\n${SMUGGLED}\r\n0\r\n\r\n`;
}

describe('request smuggling into a keep-alive upstream (GHSA-ggv3-7p47-pfv8)', () => {
  let upstream: RecordingUpstream;
  let h: TestFicus;
  beforeAll(async () => {
    upstream = await startRecordingUpstream();
    h = await startTestFicus({ upstreams: { legacy: { url: upstream.url } } });
  });
  afterAll(async () => {
    await h?.close();
    await upstream?.close();
  });

  const SCENARIOS: [method: string, connection: string][] = [
    ['DELETE', 'keep-alive'],
    ['DELETE', 'keep-alive, upgrade'],
    ['DELETE', 'Transfer-Encoding, upgrade'],
    ['OPTIONS', 'Transfer-Encoding, upgrade'],
    ['OPTIONS', 'keep-alive'],
    ['POST', 'keep-alive'],
    ['GET', 'keep-alive'],
  ];

  it.each(SCENARIOS)('never lets the body of a chunked %s (Connection: %s) reach the upstream as a second request', async (method, connection) => {
    const before = upstream.requests.length;
    const reply = await exchange(h.proxyUrl, smugglingPayload(method, connection), answered);
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
    const [carrier] = await upstream.requestCount(before + 1).then((all) => all.slice(before));
    expect(carrier!.requestLine).toBe(`${method} /rewrites/poc HTTP/1.1`);
    // The smuggled request arrived whole, as the body of the one request…
    expect(carrier!.body.toString('latin1')).toBe(SMUGGLED);

    // …which ended where the one request ended: the pooled connection it came on is at a request
    // boundary, with no leftover bytes for the upstream to read as a request…
    expect(upstream.unparsed(carrier!.connection)).toBe(0);
    // …and the next request through Ficus is the next one the upstream parses.
    await exchange(h.proxyUrl, 'GET /after HTTP/1.1\r\nHost: ficus.test\r\n\r\n', answered);
    const [, next] = await upstream.requestCount(before + 2).then((all) => all.slice(before));
    expect(next!.requestLine).toBe('GET /after HTTP/1.1');
    expect(upstream.requests.filter((r) => r.requestLine.startsWith('GET /secret'))).toEqual([]);
  });

  it('cuts the upstream request when chunked framing breaks mid-body (a bare LF after chunk data), so nothing after it is read as a request', async () => {
    const before = upstream.requests.length;
    const bytes = `POST /broken HTTP/1.1\r\nHost: ficus.test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n${SMUGGLED}`;
    const reply = await exchange(h.proxyUrl, bytes, () => false);
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    // Whatever reached the upstream never completed as a request: no last chunk, no smuggled line.
    await exchange(h.proxyUrl, 'GET /after-broken HTTP/1.1\r\nHost: ficus.test\r\n\r\n', answered);
    const after = await upstream.requestCount(before + 1).then((all) => all.slice(before));
    expect(after.map((r) => r.requestLine)).toEqual(['GET /after-broken HTTP/1.1']);
    const carried = upstream.bytes.map((b) => b.toString('latin1')).find((text) => text.includes('POST /broken'));
    if (carried !== undefined) {
      const tail = carried.slice(carried.indexOf('POST /broken'));
      expect(tail).not.toContain('0\r\n\r\n');
      expect(tail).not.toContain('GET /secret');
    }
  });
});
