// Slow request bodies (issue 13 item 3), scaled down: timeouts of hundreds of milliseconds and a pool
// of eight connections stand for 30 s and 256. A slow but steady upload is not an upstream timeout;
// a client whose body stops arriving gets 408; clients trickling bodies cannot take the connections
// ordinary GETs need.
import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { waitFor } from '../support/wait-for.ts';
import { metricValue } from '../support/metrics/metric-value.ts';
import { send } from '../support/http/raw-http.ts';
import { type TestFicus, startTestFicus } from '../support/ficus/test-ficus.ts';

const ROUTES = 'routes: []\n';

/** An upstream that reads the whole body, then answers with its size. */
function startCountingUpstream(): Promise<TestUpstream> {
  return startUpstream((req, res) => {
    let size = 0;
    req.on('data', (c: Buffer) => (size += c.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end(String(size)));
  });
}

/** A body of `chunks` × `chunkBytes`, one chunk every `everyMs` (a slow link, not a stalled one). */
function slowBody(chunks: number, chunkBytes: number, everyMs: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent === chunks) return void this.push(null);
      sent++;
      setTimeout(() => this.push(Buffer.alloc(chunkBytes, 0x61)), everyMs);
    },
  });
}

describe('slow request bodies', () => {
  let f: TestFicus | undefined;
  let upstream: TestUpstream | undefined;
  const sockets: net.Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await f?.close();
    await upstream?.close();
    f = upstream = undefined;
  });

  it('does not answer 504 to an upload that takes longer than headersMs to send (the timer starts when the body is sent)', async () => {
    upstream = await startCountingUpstream();
    f = await startTestFicus({ upstreams: `upstreams:\n  legacy:\n    url: ${upstream.url}\n    timeouts: { headersMs: 400 }\n`, routes: ROUTES, flags: {} });
    // 2 MB over ~1.6 s: four times the headers timeout.
    const res = await send(f.proxyUrl, {
      method: 'POST', path: '/upload',
      headers: ['Host', 'ficus.test', 'Content-Type', 'application/octet-stream', 'Content-Length', String(32 * 64 * 1024)],
      body: slowBody(32, 64 * 1024, 50),
    });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(String(32 * 64 * 1024));
  });

  it('answers 408 and closes the connection when the request body stops arriving (bodyIdleMs), counted', async () => {
    upstream = await startCountingUpstream();
    f = await startTestFicus({ upstreams: `upstreams:\n  legacy:\n    url: ${upstream.url}\n    timeouts: { bodyIdleMs: 300 }\n`, routes: ROUTES, flags: {} });
    const socket = net.connect(Number(new URL(f.proxyUrl).port), '127.0.0.1');
    sockets.push(socket);
    let text = '';
    socket.setEncoding('latin1').on('data', (c: string) => (text += c));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.write('POST /upload HTTP/1.1\r\nHost: ficus.test\r\nContent-Length: 1000\r\n\r\nfirst bytes, then nothing');
    await closed;
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toMatch(/request_body_timeout/);
    expect(await metricValue(f.ficus.adminUrl, 'ficus_request_errors_total', { type: 'REQUEST_BODY_TIMEOUT' })).toBe(1);
  });

  it('keeps serving ordinary GETs while clients trickling request bodies hold every upload connection', async () => {
    upstream = await startCountingUpstream();
    f = await startTestFicus({
      upstreams: `upstreams:\n  legacy:\n    url: ${upstream.url}\n    maxSockets: 8\n    maxUploadSockets: 4\n    timeouts: { headersMs: 2000, queueMs: 300 }\n`,
      routes: ROUTES, flags: {},
    });
    // Twelve uploads that send one byte and then hold on (a byte every 10 s, in the attack).
    const port = Number(new URL(f.proxyUrl).port);
    const answers: string[] = [];
    for (let i = 0; i < 12; i++) {
      const socket = net.connect(port, '127.0.0.1');
      sockets.push(socket);
      socket.on('error', () => {});
      answers[i] = '';
      socket.setEncoding('latin1').on('data', (c: string) => (answers[i] += c));
      socket.write(`POST /upload/${i} HTTP/1.1\r\nHost: ficus.test\r\nContent-Length: 100000\r\n\r\nx`);
    }
    const agent = new http.Agent({ keepAlive: false });
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => new Promise<number>((resolve, reject) => {
      http.get(`${f!.proxyUrl}/chart/${i}`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      }).on('error', reject);
    })));
    expect(statuses).toEqual(Array(20).fill(200));
    // Uploads past the upload pool waited queueMs and were refused with 503 (replayable: never
    // sent), counted; the four holding the upload pool are still waiting for their bodies.
    const refused = () => answers.filter((t) => /^HTTP\/1\.1 503 /.test(t)).length;
    await waitFor(() => refused() === 8, 5_000, 'queued uploads refused');
    expect(answers.filter((t) => t === '')).toHaveLength(4);
    expect(await metricValue(f.ficus.adminUrl, 'ficus_request_errors_total', { type: 'UPSTREAM_QUEUE_TIMEOUT' })).toBe(8);
  });
});
