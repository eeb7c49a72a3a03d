// Regression: shadow copies after a routes/ reload that moves the new service to https (issue 12,
// Build 3). mirror.ts kept its own agents keyed by upstream name and never rebuilt them, so after
// such a reload every copy went through the old plain-http agent: https.request threw
// ERR_INVALID_PROTOCOL into a swallowed catch, and the copies vanished uncounted. Copies now ride
// the upstream pool's copy agent, rebuilt (and the old one retired) with the pool on reload.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUpstreamPool } from '../../src/dispatch/upstream-pool.ts';
import { sendShadowCopy } from '../../src/dispatch/shadow-call.ts';
import { closeServer } from '../support/upstreams/loopback.ts';
import { waitFor, waitForAsync } from '../support/wait-for.ts';
import { type TestFicus, startTestFicus } from '../support/ficus/test-ficus.ts';
import { createTestPki, type TestPki } from '../support/certs/test-pki.ts';

const BODY = JSON.stringify({ resourceType: 'Observation', status: 'final' });

interface CountingServer {
  readonly server: http.Server;
  readonly url: string;
  /** Copies received (requests carrying Ficus-Shadow). */
  copies(): number;
}

async function startAnswering(tls?: { cert: Buffer; key: Buffer }): Promise<CountingServer> {
  let copies = 0;
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.headers['ficus-shadow']) copies++;
    req.resume();
    req.once('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(BODY));
  };
  const server = tls ? https.createServer({ ...tls }, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, copies: () => copies };
}

const ROUTES = `routes:
  - id: obs
    match: { methods: ['GET'], path: /obs/:id }
    new: next
    flag: ficus.obs
`;

let pki: TestPki;
beforeAll(() => {
  pki = createTestPki();
});
afterAll(() => pki?.remove());

describe('shadow copies across a routes/ reload', () => {
  const servers: CountingServer[] = [];
  let f: TestFicus | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
    await Promise.all(servers.splice(0).map((s) => closeServer(s.server)));
  });

  const upstreams = (legacyUrl: string, nextUrl: string, ca?: string) =>
    `upstreams:\n  legacy:\n    url: ${legacyUrl}\n  next:\n    url: ${nextUrl}\n${ca ? `    tls: { ca: ${ca} }\n` : ''}`;

  async function compared(): Promise<number> {
    return (await f!.routeSummary('obs')).stats.statusMatrix['2xx']?.['2xx'] ?? 0;
  }

  it('reaches the new service and compares its answers after a reload moves it to https', async () => {
    const legacy = await startAnswering();
    const nextHttp = await startAnswering();
    const nextHttps = await startAnswering(pki.server('next-https'));
    servers.push(legacy, nextHttp, nextHttps);
    f = await startTestFicus({ upstreams: upstreams(legacy.url, nextHttp.url), routes: ROUTES, flags: { 'ficus.obs': { mode: 'shadow' } } });

    // A copy before the reload warms the copy agent for `next` (plain http).
    expect((await fetch(`${f.proxyUrl}/obs/1`)).status).toBe(200);
    await waitFor(() => nextHttp.copies() === 1, 5_000, 'first copy at the http new service');
    expect(await f.writeRouteFiles({ 'upstreams.yaml': upstreams(legacy.url, nextHttps.url, pki.caFile) })).toBe('reloaded');

    for (let i = 2; i <= 4; i++) expect((await fetch(`${f.proxyUrl}/obs/${i}`)).status).toBe(200);
    await waitFor(() => nextHttps.copies() === 3, 5_000, 'copies at the https new service');
    // Every pair compared, the one before the reload and the three after it: none lost.
    await waitForAsync(async () => (await compared()) >= 4, 5_000, 'four pairs compared');
    const summary = await f.routeSummary('obs');
    expect(summary.stats.statusMatrix['2xx']).toEqual({ '2xx': 4 });
    expect(summary.stats.matched).toBe(4);
    expect(nextHttp.copies()).toBe(1);
  });
});

describe('a copy that request() refuses outright', () => {
  it('is a failed copy (counted), never a rejection', async () => {
    const pool = createUpstreamPool(new Map([['next', {
      name: 'next', url: 'https://127.0.0.1:9', rewriteHost: false, timeouts: {}, keepAliveMs: 4_000, maxSockets: 8,
    }]]));
    const upstream = pool.get('next')!;
    // An https upstream with a plain-http agent: the mismatch a stale agent kept across a reload made.
    const outcome = await sendShadowCopy({
      upstream, agent: new http.Agent(), method: 'GET', rawPath: '/obs/1', headers: [], body: Buffer.alloc(0), timeoutMs: 1_000, capBytes: 1024,
    });
    expect(outcome).toMatchObject({ ok: false, failure: 'error' });
  });
});
