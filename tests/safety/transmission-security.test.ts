// Transmission security: TLS at the edge (with certificate reload), HTTPS and mTLS to upstreams with
// a custom CA, and X-Forwarded-* trusted only from the configured proxies.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { startEchoUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { closeServer } from '../support/upstreams/loopback.ts';
import { waitFor } from '../support/wait-for.ts';
import { createTestPki, type TestPki } from '../support/certs/test-pki.ts';

let pki: TestPki;
beforeAll(() => {
  pki = createTestPki();
});
afterAll(() => pki?.remove());

/** GET over a fresh TLS connection that trusts only the test CA; reports the server certificate's CN. */
function httpsGet(url: string, ca: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: string; peerCn: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, agent: false, headers }, (res) => {
      const peerCn = String((res.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '');
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, peerCn }));
    });
    req.on('error', reject);
  });
}

function header(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) return raw[i + 1];
  return undefined;
}

describe('inbound TLS', () => {
  let h: TestFicus | undefined;
  let liveDir: string | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
    if (liveDir) rmSync(liveDir, { recursive: true, force: true });
  });

  it('serves clients over TLS end to end and tells the upstream the request came in over https', async () => {
    const a = pki.server('edge-a');
    const legacy = await startEchoUpstream('legacy');
    try {
      h = await startTestFicus({ upstreams: { legacy: { url: legacy.url } }, settings: { tls: { certFile: a.certFile, keyFile: a.keyFile } } });
      expect(h.proxyUrl).toMatch(/^https:/);
      const res = await httpsGet(`${h.proxyUrl}/items/1`, pki.ca);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ side: 'legacy', url: '/items/1' });
      expect(res.peerCn).toBe('edge-a');
      expect(header(legacy.received.at(-1)!.rawHeaders, 'x-forwarded-proto')).toBe('https');
    } finally {
      await h?.close();
      h = undefined;
      await legacy.close();
    }
  });

  it('picks up a renewed certificate without a restart', async () => {
    const a = pki.server('edge-before');
    const b = pki.server('edge-renewed');
    liveDir = mkdtempSync(join(tmpdir(), 'ficus-live-tls-'));
    const certFile = join(liveDir, 'tls.crt');
    const keyFile = join(liveDir, 'tls.key');
    copyFileSync(a.certFile, certFile);
    copyFileSync(a.keyFile, keyFile);
    h = await startTestFicus({ settings: { tls: { certFile, keyFile } } });
    expect((await httpsGet(`${h.proxyUrl}/items/1`, pki.ca)).peerCn).toBe('edge-before');

    copyFileSync(b.keyFile, keyFile);
    copyFileSync(b.certFile, certFile);
    await h.waitForLog((l) => l.event === 'tls-reloaded');
    // Bounded poll: each probe is a new connection, which gets whatever context is current.
    let seen = '';
    for (let i = 0; i < 50 && seen !== 'edge-renewed'; i++) seen = (await httpsGet(`${h.proxyUrl}/items/1`, pki.ca)).peerCn;
    expect(seen).toBe('edge-renewed');
    const after = await httpsGet(`${h.proxyUrl}/items/2`, pki.ca);
    expect(after.status).toBe(200);
  });
});

describe('upstreams over HTTPS with a custom CA and client certificates (mTLS)', () => {
  let upstream: https.Server;
  let url: string;
  const seen: { url: string; clientCn: string; shadow: string | undefined }[] = [];
  let ficus: TestFicus | undefined;

  beforeAll(async () => {
    const serverCert = pki.server('upstream-mtls');
    upstream = https.createServer({ cert: serverCert.cert, key: serverCert.key, ca: pki.ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const clientCn = String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '');
      seen.push({ url: req.url ?? '', clientCn, shadow: req.headers['ficus-shadow'] as string | undefined });
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ side: 'mtls', url: req.url })));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(upstream.address() as import('node:net').AddressInfo).port}`;
  });
  afterAll(async () => {
    await closeServer(upstream);
  });
  afterEach(async () => {
    await ficus?.close();
    ficus = undefined;
    seen.length = 0;
  });

  const routes = `routes:
  - id: items
    match: { methods: ['*'], path: /items/:id }
    new: next
    flag: ficus.items
`;
  const upstreams = (client: { certFile: string; keyFile: string }) => `upstreams:
  legacy:
    url: ${url}
    tls: { ca: ${pki.caFile}, cert: ${client.certFile}, key: ${client.keyFile} }
  next:
    url: ${url}
    tls: { ca: ${pki.caFile}, cert: ${client.certFile}, key: ${client.keyFile} }
`;

  it('proxies to an upstream that requires a client certificate', async () => {
    const client = pki.client('ficus-client');
    ficus = await startTestFicus({ upstreams: upstreams(client), routes, flags: { 'ficus.items': { mode: 'legacy' } } });
    const res = await fetch(`${ficus.proxyUrl}/anything/else`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ side: 'mtls', url: '/anything/else' });
    expect(seen).toEqual([{ url: '/anything/else', clientCn: 'ficus-client', shadow: undefined }]);
  });

  it('presents the client certificate on shadow copies too (the shadow agent copies the upstream TLS options)', async () => {
    const client = pki.client('ficus-shadow-client');
    ficus = await startTestFicus({ upstreams: upstreams(client), routes, flags: { 'ficus.items': { mode: 'shadow' } } });
    const res = await fetch(`${ficus.proxyUrl}/items/7`);
    expect(res.status).toBe(200);
    await waitFor(() => seen.some((s) => s.shadow === 'shadow'), 5_000, 'shadow copy at the mTLS upstream');
    expect(seen.map((s) => s.clientCn)).toEqual(['ficus-shadow-client', 'ficus-shadow-client']);
  });

  it('answers 502 when the upstream refuses Ficus\'s client certificate', async () => {
    const wrong = pki.untrustedClient('stranger');
    ficus = await startTestFicus({ upstreams: upstreams(wrong), routes, flags: { 'ficus.items': { mode: 'legacy' } } });
    const res = await fetch(`${ficus.proxyUrl}/anything/else`);
    expect(res.status).toBe(502);
    expect(seen).toEqual([]);
  });
});

describe('X-Forwarded-* from clients', () => {
  let h: TestFicus | undefined;
  let legacy: TestUpstream | undefined;
  afterEach(async () => {
    await h?.close();
    await legacy?.close();
    h = undefined;
  });
  const forged = { 'X-Forwarded-For': '6.6.6.6', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'evil.example' };

  it('replaces an untrusted client\'s X-Forwarded-* instead of passing them on', async () => {
    legacy = await startEchoUpstream('legacy');
    h = await startTestFicus({ upstreams: { legacy: { url: legacy.url } }, settings: { trustedProxies: ['10.9.9.9'] } });
    const res = await fetch(`${h.proxyUrl}/unmatched`, { headers: forged });
    expect(res.status).toBe(200);
    const received = legacy.received.at(-1)!.rawHeaders;
    expect(header(received, 'x-forwarded-for')).toBe('127.0.0.1');
    expect(header(received, 'x-forwarded-proto')).toBe('http');
    expect(header(received, 'x-forwarded-host')).toBe(new URL(h.proxyUrl).host);
  });

  it('keeps and appends to X-Forwarded-* from a trusted proxy', async () => {
    legacy = await startEchoUpstream('legacy');
    h = await startTestFicus({ upstreams: { legacy: { url: legacy.url } }, settings: { trustedProxies: ['127.0.0.1'] } });
    await fetch(`${h.proxyUrl}/unmatched`, { headers: forged });
    const received = legacy.received.at(-1)!.rawHeaders;
    expect(header(received, 'x-forwarded-for')).toBe('6.6.6.6, 127.0.0.1');
    expect(header(received, 'x-forwarded-proto')).toBe('https');
    expect(header(received, 'x-forwarded-host')).toBe('evil.example');
  });
});
