// Hostile request heads (issue 13 items 5 and 11): underscore aliases of the fields Ficus controls,
// forged client-identity fields, Connection options naming end-to-end fields, a repeated Host and
// absolute-form targets. Each is sent byte for byte and judged by what the upstream received, read
// the way CGI/WSGI/Rack/PHP read it (`-` and `_` collapse into one HTTP_* variable).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { startEchoUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { metricValue } from '../support/metrics/metric-value.ts';
import { rawExchange, send } from '../support/http/raw-http.ts';

/** The request's headers as a WSGI app sees them: HTTP_FICUS_SHADOW → every value sent under any spelling. */
function wsgiEnviron(raw: readonly string[]): Map<string, string[]> {
  const env = new Map<string, string[]>();
  for (let i = 0; i < raw.length; i += 2) {
    const key = `HTTP_${raw[i]!.toUpperCase().replaceAll('-', '_')}`;
    env.set(key, [...(env.get(key) ?? []), raw[i + 1]!]);
  }
  return env;
}

describe('hostile request heads from an untrusted client', () => {
  let h: TestFicus;
  let legacy: TestUpstream;
  let next: TestUpstream;
  beforeAll(async () => {
    legacy = await startEchoUpstream('legacy');
    next = await startEchoUpstream('new');
    h = await startTestFicus({ upstreams: { legacy: { url: legacy.url }, next: { url: next.url } }, flags: { 'ficus.items': { mode: 'new' } } });
  });
  afterAll(async () => {
    await h?.close();
    await legacy?.close();
    await next?.close();
  });

  it('never lets Ficus_Shadow (an underscore alias) reach a WSGI new service as a dry-run marker', async () => {
    const res = await send(h.proxyUrl, {
      method: 'POST', path: '/items/pat-1', body: Buffer.from('{"dose":"5 mg"}'),
      headers: ['Host', 'ficus.test', 'Content-Type', 'application/json', 'Content-Length', '15', 'Ficus_Shadow', 'dry-run', 'ficus_shadow_ack', 'dry-run', 'FICUS-SHADOW', 'dry-run'],
    });
    expect(res.status).toBe(200);
    const env = wsgiEnviron(next.received.at(-1)!.rawHeaders);
    expect(env.get('HTTP_FICUS_SHADOW')).toBeUndefined();
    expect(env.get('HTTP_FICUS_SHADOW_ACK')).toBeUndefined();
  });

  it('replaces forged X-Forwarded-*, Forwarded, X-Real-IP and True-Client-IP, underscore aliases included', async () => {
    await send(h.proxyUrl, {
      path: '/unmatched',
      headers: ['Host', 'ficus.test', 'X_Forwarded_For', '6.6.6.6', 'X-Forwarded_Host', 'evil.example', 'x_forwarded_proto', 'https',
        'Forwarded', 'for=6.6.6.6;host=evil.example', 'X-Real-IP', '6.6.6.6', 'True_Client_IP', '6.6.6.6'],
    });
    const env = wsgiEnviron(legacy.received.at(-1)!.rawHeaders);
    expect(env.get('HTTP_X_FORWARDED_FOR')).toEqual(['127.0.0.1']);
    expect(env.get('HTTP_X_FORWARDED_HOST')).toEqual(['ficus.test']);
    expect(env.get('HTTP_X_FORWARDED_PROTO')).toEqual(['http']);
    expect(env.get('HTTP_FORWARDED')).toEqual(['for=127.0.0.1;proto=http']);
    expect(env.get('HTTP_X_REAL_IP')).toEqual(['127.0.0.1']);
    expect(env.get('HTTP_TRUE_CLIENT_IP')).toEqual(['127.0.0.1']);
  });

  it('adds no Forwarded, X-Real-IP or True-Client-IP the client did not send (the monolith sees what it saw before)', async () => {
    await send(h.proxyUrl, { path: '/unmatched/plain' });
    const env = wsgiEnviron(legacy.received.at(-1)!.rawHeaders);
    expect([env.has('HTTP_FORWARDED'), env.has('HTTP_X_REAL_IP'), env.has('HTTP_TRUE_CLIENT_IP')]).toEqual([false, false, false]);
  });

  it('keeps Host and Content-Length when Connection names them, and still drops a hop-by-hop option', async () => {
    const res = await send(h.proxyUrl, {
      method: 'POST', path: '/unmatched/conn', body: Buffer.from('hello'),
      headers: ['Host', 'ficus.test', 'Content-Length', '5', 'Connection', 'Host, Content-Length, X_Forwarded_For, X-Hop', 'X-Hop', 'secret'],
    });
    expect(res.status).toBe(200);
    const env = wsgiEnviron(legacy.received.at(-1)!.rawHeaders);
    expect(env.get('HTTP_HOST')).toEqual(['ficus.test']);
    expect(env.get('HTTP_CONTENT_LENGTH')).toEqual(['5']);
    expect(env.get('HTTP_X_FORWARDED_FOR')).toEqual(['127.0.0.1']);
    expect(env.has('HTTP_X_HOP')).toBe(false);
  });

  const REFUSED: [string, string, string][] = [
    ['a repeated Host', 'GET /items/pat-1 HTTP/1.1\r\nHost: ficus.test\r\nHost: evil.example\r\n\r\n', 'duplicate-host'],
    ['an absolute-form target whose host differs from Host', 'GET http://evil.example/reset-password HTTP/1.1\r\nHost: ficus.test\r\n\r\n', 'absolute-form'],
    ['an absolute-form target (forward-proxy use is off by default)', 'GET http://ficus.test/items/pat-1 HTTP/1.1\r\nHost: ficus.test\r\n\r\n', 'absolute-form'],
    ['an absolute-form WebSocket handshake', 'GET http://evil.example/ws HTTP/1.1\r\nHost: ficus.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n', 'absolute-form'],
  ];

  it.each(REFUSED)('refuses %s with 400, counted, before any upstream sees it', async (_name, bytes, reason) => {
    const seen = legacy.received.length + next.received.length;
    const counted = await metricValue(h.adminUrl, 'ficus_requests_refused_total', { reason });
    const { text } = await rawExchange(h.proxyUrl, bytes);
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(legacy.received.length + next.received.length).toBe(seen);
    expect(await metricValue(h.adminUrl, 'ficus_requests_refused_total', { reason })).toBe(counted + 1);
  });
});

describe('absolute-form with FICUS_ACCEPT_ABSOLUTE_FORM', () => {
  let h: TestFicus;
  let legacy: TestUpstream;
  beforeAll(async () => {
    legacy = await startEchoUpstream('legacy');
    h = await startTestFicus({ upstreams: { legacy: { url: legacy.url } }, settings: { acceptAbsoluteForm: true } });
  });
  afterAll(async () => {
    await h?.close();
    await legacy?.close();
  });

  it('forwards a target whose authority equals Host in origin-form', async () => {
    const { text } = await rawExchange(h.proxyUrl, 'GET http://ficus.test/items/pat-1?x=%2F HTTP/1.1\r\nHost: ficus.test\r\nConnection: close\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(legacy.received.at(-1)!.url).toBe('/items/pat-1?x=%2F');
  });

  it('never forwards one whose authority differs from Host', async () => {
    const seen = legacy.received.length;
    const { text } = await rawExchange(h.proxyUrl, 'GET http://evil.example/reset-password HTTP/1.1\r\nHost: ficus.test\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(legacy.received.length).toBe(seen);
    expect(await metricValue(h.adminUrl, 'ficus_requests_refused_total', { reason: 'host-mismatch' })).toBe(1);
  });
});

describe('client-identity fields from a trusted proxy', () => {
  let h: TestFicus;
  let legacy: TestUpstream;
  beforeAll(async () => {
    legacy = await startEchoUpstream('legacy');
    h = await startTestFicus({ upstreams: { legacy: { url: legacy.url } }, settings: { trustedProxies: ['127.0.0.1'] } });
  });
  afterAll(async () => {
    await h?.close();
    await legacy?.close();
  });

  it('keeps and extends the proxy\'s fields, but never honours an underscore alias even from it', async () => {
    await send(h.proxyUrl, {
      path: '/unmatched',
      headers: ['Host', 'ficus.test', 'X-Forwarded-For', '10.0.0.7', 'X_Forwarded_For', '6.6.6.6', 'Forwarded', 'for=10.0.0.7', 'X-Real-IP', '10.0.0.7', 'True_Client_IP', '6.6.6.6'],
    });
    const env = wsgiEnviron(legacy.received.at(-1)!.rawHeaders);
    expect(env.get('HTTP_X_FORWARDED_FOR')).toEqual(['10.0.0.7, 127.0.0.1']);
    expect(env.get('HTTP_FORWARDED')).toEqual(['for=10.0.0.7, for=127.0.0.1;proto=http']);
    expect(env.get('HTTP_X_REAL_IP')).toEqual(['10.0.0.7']);
    expect(env.get('HTTP_TRUE_CLIENT_IP')).toEqual(['127.0.0.1']);
  });
});
