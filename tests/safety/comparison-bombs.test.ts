// A hostile new service answers shadow copies with decompression and shape bombs. Measured before
// the fix: 30 KB of gzip decoding to a 31 MB JSON array stalled every proxied request up to 6.4 s;
// 256 KB of brotli JSON with a million keys stalled them 52 s; that array against legacy's `[]`
// hung Ficus over 6 minutes (healthz timed out). Now each body is bounded before it is parsed, big
// pairs are compared on a worker whose time budget is enforced from outside, and every such pair
// is counted uncomparable with its reason — while clinicians' requests keep being served.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSummary } from '../../src/admin/route-report.ts';
import { startUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { type TestFicus, startTestFicus } from '../support/ficus/test-ficus.ts';

const ROUTES = `routes:
  - id: bombed
    match: { methods: [GET], path: /bombed/:kind }
    new: next
    flag: ficus.bombed
  - id: roomy
    description: limits raised far past the defaults, so only the time budget stands between the bomb and the proxy
    match: { methods: [GET], path: /roomy/:kind }
    new: next
    flag: ficus.roomy
    compare:
      limits: { decodedBytes: 67108864, keys: 50000000, elements: 50000000, timeMs: 100 }
  - id: sized
    match: { methods: [GET], path: /sized/:kind }
    new: next
    flag: ficus.sized
    compare:
      limits: { decodedBytes: 67108864 }
`;

interface Bombs {
  readonly gzipArray: Buffer;
  readonly brotliKeys: Buffer;
}

function makeBombs(): Bombs {
  const array = Buffer.from(`[${'0,'.repeat(15_500_000)}0]`); // 31 MB
  const keys = Buffer.from(`{${Array.from({ length: 1_000_000 }, (_, i) => `"${i.toString(36)}":0`).join(',')}}`);
  return {
    gzipArray: gzipSync(array, { level: 9 }),
    brotliKeys: brotliCompressSync(keys, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }),
  };
}

describe('comparison bombs from a hostile new service (mode shadow)', () => {
  let bombs: Bombs;
  let legacy: TestUpstream;
  let next: TestUpstream;
  let f: TestFicus;

  beforeAll(async () => {
    bombs = makeBombs();
    // Legacy answers `[]` (the worst case for a diff against a huge array) or a small document.
    legacy = await startUpstream((req, res) => {
      const body = req.url?.endsWith('/ok') ? '{"resourceType":"Patient","active":true}' : '[]';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    next = await startUpstream((req, res) => {
      const kind = req.url?.split('/').pop();
      if (kind === 'ok') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"resourceType":"Patient","active":true}');
      }
      const [encoding, body] = kind === 'keys' ? ['br', bombs.brotliKeys] : ['gzip', bombs.gzipArray];
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': body.length });
      res.end(body);
    });
    f = await startTestFicus({
      upstreams: `upstreams:\n  legacy:\n    url: ${legacy.url}\n  next:\n    url: ${next.url}\n`,
      routes: ROUTES,
      flags: { 'ficus.bombed': { mode: 'shadow' }, 'ficus.roomy': { mode: 'shadow' }, 'ficus.sized': { mode: 'shadow' } },
    });
  }, 60_000);
  afterAll(async () => {
    await f?.close();
    await next?.close();
    await legacy?.close();
  });

  /**
   * Sends one bombed request, then keeps pass-through requests and /healthz going, one after the
   * other, until the route counts the pair as uncomparable; every one of them must be answered.
   */
  async function bombWhileServing(path: string, route: string) {
    const bombed = await fetch(`${f.proxyUrl}${path}`);
    expect(await bombed.json()).toEqual([]); // the client gets legacy's answer, as always
    let counted: RouteSummary | undefined;
    const counting = waitForSummary(route, (s) => s.stats.uncomparable >= 1).then((s) => (counted = s));
    const served: number[] = [];
    const health: number[] = [];
    do {
      const [pass, healthz] = await Promise.all([fetch(`${f.proxyUrl}/unrouted/${served.length}`), fetch(`${f.ficus.adminUrl}/healthz`)]);
      await Promise.all([pass.arrayBuffer(), healthz.arrayBuffer()]);
      served.push(pass.status);
      health.push(healthz.status);
    } while (!counted);
    return { summary: await counting, served, health };
  }

  /** Polls the route summary (which waits for queued comparisons) until it satisfies `done`. */
  async function waitForSummary(route: string, done: (s: RouteSummary) => boolean): Promise<RouteSummary> {
    for (let i = 0; i < 600; i++) {
      const summary = await f.routeSummary(route);
      if (done(summary)) return summary;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`route ${route} evidence never matched`);
  }

  it('a 30 KB gzip that decodes to a 31 MB JSON array is decoded-too-large, and pass-through requests and healthz keep being answered', async () => {
    expect(bombs.gzipArray.length).toBeLessThan(64 * 1024);
    const { summary, served, health } = await bombWhileServing('/bombed/array', 'bombed');
    expect(summary.stats.uncomparableReasons).toEqual({ 'decoded-too-large': 1 });
    expect(served.every((s) => s === 200) && health.every((s) => s === 200)).toBe(true);
  }, 90_000);

  it('256 KB of brotli JSON with a million keys is too-many-keys once its size is allowed, and pass-through requests keep being answered', async () => {
    expect(bombs.brotliKeys.length).toBeLessThan(1024 * 1024);
    const { summary, served, health } = await bombWhileServing('/sized/keys', 'sized');
    expect(summary.stats.uncomparableReasons).toEqual({ 'too-many-keys': 1 });
    expect(served.every((s) => s === 200) && health.every((s) => s === 200)).toBe(true);
  }, 90_000);

  it('the huge array against legacy\'s [] with every size limit lifted ends at the time budget, and the route compares again afterwards', async () => {
    const { summary, served, health } = await bombWhileServing('/roomy/array', 'roomy');
    expect(summary.stats.uncomparableReasons).toEqual({ 'time-budget': 1 });
    expect(served.every((s) => s === 200) && health.every((s) => s === 200)).toBe(true);
    expect(f.logs.some((l) => l.event === 'comparison-worker-replaced' && l.reason === 'time-budget')).toBe(true);

    // The replaced worker compares the next pair on the same route.
    const ok = await fetch(`${f.proxyUrl}/roomy/ok`);
    expect(await ok.json()).toEqual({ resourceType: 'Patient', active: true });
    const after = await waitForSummary('roomy', (s) => s.stats.matched >= 1);
    expect(after.stats.matched).toBe(1);

    const metrics = await (await fetch(`${f.ficus.adminUrl}/metrics`)).text();
    expect(metrics).toContain('ficus_uncomparable_total{route="roomy",reason="time-budget"} 1');
    expect(metrics).toContain('ficus_uncomparable_total{route="bombed",reason="decoded-too-large"} 1');
    expect(metrics).toMatch(/ficus_event_loop_delay_seconds\{stat="max"\} [0-9.e-]+/);
  }, 90_000);
});
