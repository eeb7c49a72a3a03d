// A routes/ reload never touches requests already in flight (issue 13 item 4). The upstreams hold
// every answer until the test releases them, so the reload provably happens mid-exchange; before
// the fix a changed upstream's agent was destroyed with its busy sockets (20 of 20 failed) and a TLS
// upstream counted as changed on any edit (40 of 40 failed).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import http, { type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeServer } from '../support/upstreams/loopback.ts';
import { waitFor } from '../support/wait-for.ts';
import { send } from '../support/http/raw-http.ts';
import { type TestFicus, startTestFicus } from '../support/ficus/test-ficus.ts';
import { createTestPki, type TestPki } from '../support/certs/test-pki.ts';

interface HeldUpstream {
  readonly url: string;
  /** Requests received and not yet answered. */
  held(): number;
  /** Connections (TLS handshakes for https) accepted so far. */
  connections(): number;
  /** Answers every held request and stops holding. */
  release(): void;
  close(): Promise<void>;
}

async function startHeldUpstream(tls?: { cert: Buffer; key: Buffer }): Promise<HeldUpstream> {
  const held: ServerResponse[] = [];
  let holding = true;
  let connections = 0;
  const answer = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  const handler = (req: http.IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.once('end', () => (holding ? held.push(res) : answer(res)));
  };
  const server = tls ? https.createServer({ ...tls }, handler) : http.createServer(handler);
  server.on(tls ? 'secureConnection' : 'connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    held: () => held.length,
    connections: () => connections,
    release() {
      holding = false;
      for (const res of held.splice(0)) answer(res);
    },
    close: () => closeServer(server),
  };
}

const ROUTES = (description: string) => `routes:
  - id: items
    description: ${description}
    match: { methods: ['*'], path: /items/:id }
    new: next
    flag: ficus.items
    stickiness: { path: id }
    fallback: false
`;

let pki: TestPki;
beforeAll(() => {
  pki = createTestPki();
});
afterAll(() => pki?.remove());

describe('a routes/ reload during in-flight requests', () => {
  let legacy: HeldUpstream | undefined;
  let next: HeldUpstream | undefined;
  let f: TestFicus | undefined;
  afterEach(async () => {
    await f?.close();
    await legacy?.close();
    await next?.close();
    f = legacy = next = undefined;
  });

  const upstreams = (legacyUrl: string, nextUrl: string) =>
    `upstreams:\n  legacy:\n    url: ${legacyUrl}\n  next:\n    url: ${nextUrl}\n    rewriteHost: true\n    tls: { ca: ${pki.caFile} }\n`;

  /** Sends `count` requests, waits until the upstream holds them all, and returns their outcomes. */
  async function inFlight(path: string, count: number, upstream: HeldUpstream): Promise<Promise<number | string>[]> {
    const before = upstream.held();
    const outcomes = Array.from({ length: count }, (_, i) =>
      send(f!.proxyUrl, { path: `${path}${i}` }).then((r) => r.status, (error: Error) => error.message));
    await waitFor(() => upstream.held() === before + count, 5_000, 'requests held at the upstream');
    return outcomes;
  }

  async function reload(upstreamsYaml: string, routesYaml: string): Promise<void> {
    // Subscribed before writing; both files are written in one tick, so one reload sees both.
    const reloaded = f!.ficus.nextReload();
    writeFileSync(join(f!.routesDir, 'upstreams.yaml'), upstreamsYaml);
    writeFileSync(join(f!.routesDir, 'routes.yaml'), routesYaml);
    expect(await reloaded).toMatchObject({ outcome: 'reloaded', routes: 1 });
  }

  it('finishes every in-flight request when the legacy URL changes (127.0.0.1 → localhost, same server)', async () => {
    legacy = await startHeldUpstream();
    next = await startHeldUpstream(pki.server('next-a'));
    f = await startTestFicus({ upstreams: upstreams(legacy.url, next.url), routes: ROUTES('before'), flags: { 'ficus.items': { mode: 'legacy' } } });
    const outcomes = await inFlight('/unmatched/', 20, legacy);
    await reload(upstreams(legacy.url.replace('127.0.0.1', 'localhost'), next.url), ROUTES('before'));
    legacy.release();
    expect(await Promise.all(outcomes)).toEqual(Array(20).fill(200));
    // The new agent serves the new URL.
    expect((await send(f.proxyUrl, { path: '/unmatched/after' })).status).toBe(200);
  });

  it('keeps a TLS upstream\'s agent and its connections when an unrelated field changes', async () => {
    legacy = await startHeldUpstream();
    next = await startHeldUpstream(pki.server('next-b'));
    f = await startTestFicus({ upstreams: upstreams(legacy.url, next.url), routes: ROUTES('before'), flags: { 'ficus.items': { mode: 'new' } } });
    const outcomes = await inFlight('/items/', 20, next);
    const handshakes = next.connections();
    await reload(upstreams(legacy.url, next.url), ROUTES('a description edited under load'));
    next.release();
    expect(await Promise.all(outcomes)).toEqual(Array(20).fill(200));
    // Same agent: the next request reuses one of the 20 warm TLS connections instead of a handshake.
    expect((await send(f.proxyUrl, { path: '/items/after' })).status).toBe(200);
    expect(next.connections()).toBe(handshakes);
  });
});
