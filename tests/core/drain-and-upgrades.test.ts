// The drain waits on the exchanges themselves (no poll), and neither the drain nor close() leaves an
// upgraded (WebSocket) connection open: closeAllConnections() does not see upgraded sockets, so
// close() used to wait for them forever (tests/core/NEEDS-LEAD.md item 2).
import { once } from 'node:events';
import http, { type ServerResponse } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { send } from '../support/http/raw-http.ts';
import { closeServer, listenLoopback } from '../support/upstreams/loopback.ts';
import { waitFor } from '../support/wait-for.ts';

interface HoldingUpstream {
  readonly url: string;
  /** Requests received and not yet answered. */
  held(): number;
  /** Answers the oldest held request. */
  releaseOne(): void;
  /** Resolves with the upstream's side of each accepted WebSocket upgrade. */
  readonly upgraded: Duplex[];
  close(): Promise<void>;
}

/** Holds every request until released; accepts WebSocket upgrades and keeps them open. */
async function startHoldingUpstream(): Promise<HoldingUpstream> {
  const held: ServerResponse[] = [];
  const upgraded: Duplex[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.once('end', () => held.push(res));
  });
  server.on('upgrade', (_req, socket: Duplex) => {
    upgraded.push(socket);
    socket.on('error', () => {});
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    socket.pipe(socket); // echo
  });
  const url = await listenLoopback(server);
  return {
    url,
    held: () => held.length,
    releaseOne: () => held.shift()?.writeHead(200, { 'content-type': 'text/plain' }).end('done'),
    upgraded,
    close: async () => {
      for (const socket of upgraded) socket.destroy();
      await closeServer(server);
    },
  };
}

/** Opens a WebSocket through Ficus (unmatched path → legacy) and resolves once the 101 arrived. */
async function openWebSocket(proxyUrl: string): Promise<net.Socket> {
  const url = new URL(proxyUrl);
  const socket = net.connect(Number(url.port), url.hostname);
  socket.on('error', () => {});
  let text = '';
  const switched = new Promise<void>((resolve) => socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
    if (text.includes('\r\n\r\n')) resolve();
  }));
  socket.write('GET /ws/chat HTTP/1.1\r\nHost: ehr.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
  await switched;
  expect(text).toMatch(/^HTTP\/1\.1 101 /);
  return socket;
}

describe('drain and close', () => {
  let upstream: HoldingUpstream | undefined;
  let h: TestFicus | undefined;
  afterEach(async () => {
    await h?.close();
    await upstream?.close();
    h = upstream = undefined;
  });

  async function start(drainMs = 30_000): Promise<{ h: TestFicus; upstream: HoldingUpstream }> {
    upstream = await startHoldingUpstream();
    h = await startTestFicus({ upstreams: { legacy: { url: upstream.url } }, settings: { drainMs } });
    return { h, upstream };
  }

  it('resolves the drain when the last in-flight request finishes, after every response (event order)', async () => {
    const { h, upstream } = await start();
    const order: string[] = [];
    const responses = [0, 1, 2].map((i) => send(h.proxyUrl, { path: `/slow/${i}` }).then((r) => order.push(`response ${i}: ${r.status} ${r.body.toString()}`)));
    await waitFor(() => upstream.held() === 3, 5_000, 'three requests held at the upstream');
    const drained = h.ficus.drain().then(() => order.push('drained'));
    await h.waitForLog((l) => l.event === 'draining');
    for (const i of [0, 1, 2]) {
      order.push(`release ${i}`);
      upstream.releaseOne();
      await responses[i];
    }
    await drained;
    // Ficus ends its exchange once the last byte is written; the client may read it just after.
    expect(order.slice(0, 5)).toEqual(['release 0', 'response 0: 200 done', 'release 1', 'response 1: 200 done', 'release 2']);
    expect(order.slice(5).sort()).toEqual(['drained', 'response 2: 200 done']);
    expect(h.logs.find((l) => l.event === 'draining')).toMatchObject({ inFlight: 3 });
    expect(h.logs.some((l) => l.event === 'drain-deadline')).toBe(false);
  });

  it('cuts what is still in flight at the drain deadline, and says so', async () => {
    const { h, upstream } = await start(300);
    const outcome = send(h.proxyUrl, { path: '/never-answered' }).then(() => 'answered', () => 'cut');
    await waitFor(() => upstream.held() === 1, 5_000, 'request held at the upstream');
    await h.ficus.drain();
    expect(await outcome).toBe('cut');
    expect(h.logs.find((l) => l.event === 'drain-deadline')).toMatchObject({ inFlight: 1 });
  });

  it('ends an upgraded WebSocket connection on close(), on both sides (regression: close() waited for it forever)', async () => {
    const { h, upstream } = await start();
    const client = await openWebSocket(h.proxyUrl);
    await waitFor(() => upstream.upgraded.length === 1, 5_000, 'upgrade at the upstream');
    const clientClosed = once(client, 'close');
    const upstreamClosed = once(upstream.upgraded[0]!, 'close');
    await h.ficus.close();
    await Promise.all([clientClosed, upstreamClosed]);
    expect(client.destroyed).toBe(true);
  });

  it('ends an upgraded WebSocket connection once a drain has let the in-flight requests finish', async () => {
    const { h, upstream } = await start();
    const client = await openWebSocket(h.proxyUrl);
    const order: string[] = [];
    const clientClosed = once(client, 'close').then(() => order.push('websocket closed'));
    const response = send(h.proxyUrl, { path: '/slow' }).then((r) => r.status);
    await waitFor(() => upstream.held() === 1, 5_000, 'request held at the upstream');
    const drained = h.ficus.drain();
    await h.waitForLog((l) => l.event === 'draining');
    // The drain lets the request finish before it touches the WebSocket.
    order.push('release');
    upstream.releaseOne();
    expect(await response).toBe(200);
    await Promise.all([drained, clientClosed]);
    expect(order).toEqual(['release', 'websocket closed']);
  });
});
