// A REQUEST BODY THAT STALLS after the upstream has already answered is still cut after bodyIdleMs.
// Regression: the upstream's response headers stopped the body-idle watch, so a client that began
// an upload, got an early (streaming) answer and then went quiet held the upstream connection for as
// long as it liked.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { startUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';

describe('request body stall after an early upstream response', () => {
  let upstream: TestUpstream;
  let h: TestFicus;
  /** Resolves when the upstream's request ends: 'complete' or 'cut' (closed before its body ended). */
  let upstreamEnded: Promise<'complete' | 'cut'>;
  beforeAll(async () => {
    let ended: (how: 'complete' | 'cut') => void = () => {};
    upstreamEnded = new Promise((resolve) => (ended = resolve));
    upstream = await startUpstream((req: http.IncomingMessage, res: http.ServerResponse) => {
      // Answers at once and keeps streaming, reading the upload as it comes (no backpressure).
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('started\n');
      req.resume();
      req.once('end', () => ended('complete'));
      req.once('close', () => ended(req.complete ? 'complete' : 'cut'));
    });
    h = await startTestFicus({ upstreams: { legacy: { url: upstream.url, timeouts: { bodyIdleMs: 300 } } } });
  });
  afterAll(async () => {
    await h?.close();
    await upstream?.close();
  });

  it('cuts the client and the upstream request when the body stops arriving after the upstream answered', async () => {
    const url = new URL(h.proxyUrl);
    const client = net.connect(Number(url.port), url.hostname);
    client.on('error', () => {});
    let received = '';
    client.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const clientClosed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    // 10 of the 100 announced bytes, then silence.
    client.write(`POST /upload HTTP/1.1\r\nHost: ehr.example\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n${'x'.repeat(10)}`);
    expect(await upstreamEnded).toBe('cut');
    await clientClosed;
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
  });
});
