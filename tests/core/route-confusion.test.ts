// Issue 13 item 2, route confusion: `/fhir/Patient/..%2F..%2Finternal%2Fconfig` matched `:id`, went
// to the new service, and its ingress (nginx: decode, then normalise) served `/internal/config`.
// A real nginx stands in for that ingress here. Every crafted target must reach legacy byte for
// byte, never the new service (neither served nor shadowed), and be counted by route and reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { waitFor } from '../support/wait-for.ts';
import { NGINX_BINARY, startNginxUpstream, type NginxUpstream } from '../support/upstreams/nginx-upstream.ts';
import { send } from '../support/http/raw-http.ts';

const ROUTES = `routes:
  - id: patient-read
    match: { methods: [GET, HEAD], path: /fhir/Patient/:id }
    new: next
    flag: ficus.patient
    stickiness: { path: id }
  - id: patient-history
    match: { methods: [GET], path: /fhir/Patient/:id/_history/:vid }
    new: next
    flag: ficus.history
    stickiness: { path: id }
  - id: api-v2
    match: { methods: ['*'], path: /api/v2/* }
    new: next
    flag: ficus.api
`;
const FLAGS = ['ficus.patient', 'ficus.history', 'ficus.api'] as const;

/** [crafted target, route it would have matched, reason it is refused for]. */
const CRAFTED: readonly (readonly [string, string, string])[] = [
  ['/fhir/Patient/..%2F..%2Finternal%2Fconfig', 'patient-read', 'encoded-slash'],
  ['/fhir/Patient/..%2F..%2Factuator%2Fenv', 'patient-read', 'encoded-slash'],
  ['/fhir/Patient/%2e%2e%2F%2e%2e%2Finternal%2Fconfig', 'patient-read', 'encoded-slash'],
  ['/fhir/Patient/%2E%2E%2f%2E%2e%2finternal%2fconfig', 'patient-read', 'encoded-slash'],
  ['/fhir/Patient/.%2E%2F.%2e%2Finternal%2Fconfig', 'patient-read', 'encoded-slash'],
  ['/fhir/Patient/123%2F', 'patient-read', 'encoded-slash'],
  ['/fhir/Patient/123%2f..%2f..%2finternal%2fconfig', 'patient-read', 'encoded-slash'],
  ['/fhir/Patient/..%2F..%2Finternal%2Fconfig?_format=json', 'patient-read', 'encoded-slash'],
  ['/fhir/Patient/..', 'patient-read', 'dot-segment'],
  ['/fhir/Patient/.', 'patient-read', 'dot-segment'],
  ['/fhir/Patient/%2e%2e', 'patient-read', 'dot-segment'],
  ['/fhir/Patient/%2E', 'patient-read', 'dot-segment'],
  ['/fhir/Patient/.%2e', 'patient-read', 'dot-segment'],
  ['/fhir/Patient/..;jsessionid=x', 'patient-read', 'dot-segment'],
  ['/fhir/Patient/..%20', 'patient-read', 'dot-segment'],
  ['/fhir/Patient/..%5C..%5Cinternal%5Cconfig', 'patient-read', 'backslash'],
  ['/fhir/Patient/..%252F..%252Finternal%252Fconfig', 'patient-read', 'encoded-slash'],
  ['/fhir/Patient/%252e%252e', 'patient-read', 'dot-segment'],
  ['/fhir/Patient/%25252e%25252e%25252Finternal', 'patient-read', 'encoded-slash'],
  ['/fhir/Patient/%ef%bc%8e%ef%bc%8e%ef%bc%8finternal%ef%bc%8fconfig', 'patient-read', 'encoded-slash'],
  ['/fhir/Patient/%c0%ae%c0%ae%c0%afinternal', 'patient-read', 'malformed-encoding'],
  ['/fhir/Patient/%u002e%u002e', 'patient-read', 'malformed-encoding'],
  ['/fhir/Patient/..%00', 'patient-read', 'control-char'],
  ['/fhir/Patient/123/_history/..%2F..%2F..%2F..%2Finternal%2Fconfig', 'patient-history', 'encoded-slash'],
  ['/fhir/Patient/..%2F..%2F/_history/1', 'patient-history', 'encoded-slash'],
  ['/api/v2/../../internal/config', 'api-v2', 'dot-segment'],
  ['/api/v2/x/%2e%2e/%2e%2e/%2e%2e/internal/config', 'api-v2', 'dot-segment'],
  ['/api/v2/..%2F..%2Factuator%2Fenv', 'api-v2', 'encoded-slash'],
  ['/api/v2/./.././../internal/config', 'api-v2', 'dot-segment'],
];

async function refusedCount(h: TestFicus, route: string, reason: string): Promise<number> {
  const text = await (await fetch(`${h.adminUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`ficus_path_refused_total{route="${route}",reason="${reason}"} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

async function throughFicus(h: TestFicus, path: string) {
  const res = await send(h.proxyUrl, { path, headers: ['Host', 'ehr.example'] });
  return { status: res.status, body: res.body.toString('utf8') };
}

describe.skipIf(!NGINX_BINARY)(`route confusion against a normalising nginx as the new service${NGINX_BINARY ? '' : ' (SKIPPED: nginx is not installed)'}`, () => {
  let nginx: NginxUpstream;
  let h: TestFicus;
  let sentinel = 0;

  /** A plain request to the new service; resolves once nginx has logged it (its log is then up to date). */
  const sentinelThroughFicus = async () => {
    const path = `/fhir/Patient/sentinel-${++sentinel}`;
    const res = await throughFicus(h, path);
    await waitFor(() => nginx.received().some((r) => r.requestUri === path), 5_000, 'sentinel at nginx');
    return { path, res };
  };

  beforeAll(async () => {
    nginx = await startNginxUpstream();
    h = await startTestFicus({
      routes: ROUTES,
      upstreams: { next: { url: nginx.url } },
      flags: Object.fromEntries(FLAGS.map((f) => [f, { mode: 'new' as const }])),
    });
  });
  afterAll(async () => {
    await h?.close();
    await nginx?.close();
  });

  it('the stand-in ingress really normalises: sent directly, the first crafted path is served /internal/config', async () => {
    const res = await send(nginx.url, { path: '/fhir/Patient/..%2F..%2Finternal%2Fconfig', headers: ['Host', 'ehr.example'] });
    expect(res.body.toString()).toBe('new-service INTERNAL CONFIG /internal/config\n');
  });

  it('serves a plain patient id and a plain path under * from the new service (the routes are live)', async () => {
    const { res } = await sentinelThroughFicus();
    expect(res.body).toMatch(/^new-service fhir \/fhir\/Patient\/sentinel-\d+\n$/);
    expect((await throughFicus(h, '/api/v2/orders/7')).body).toBe('new-service api /api/v2/orders/7\n');
    expect((await throughFicus(h, '/fhir/Patient/pat-0001.v2/_history/3')).body).toBe('new-service fhir /fhir/Patient/pat-0001.v2/_history/3\n');
  });

  it.each(CRAFTED)('keeps %s off the new service: legacy gets the raw target, counted for %s as %s', async (path, route, reason) => {
    const before = await refusedCount(h, route, reason);
    const seenBefore = nginx.received().length;
    const res = await throughFicus(h, path);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ side: 'legacy', method: 'GET', url: path });
    const { path: sentinelPath } = await sentinelThroughFicus();
    expect(nginx.received().slice(seenBefore).map((r) => r.requestUri)).toEqual([sentinelPath]);
    expect(await refusedCount(h, route, reason)).toBe(before + 1);
  });

  it('a raw backslash never reaches routing: Node\'s parser answers 400 and neither upstream sees it', async () => {
    const seenBefore = nginx.received().length;
    const res = await throughFicus(h, '/fhir/Patient/..\\..\\internal\\config');
    expect(res.status).toBe(400);
    const { path: sentinelPath } = await sentinelThroughFicus();
    expect(nginx.received().slice(seenBefore).map((r) => r.requestUri)).toEqual([sentinelPath]);
  });

  it('keeps a crafted WebSocket upgrade off the new service too (upgrades use the same match)', async () => {
    const seenBefore = nginx.received().length;
    const before = await refusedCount(h, 'api-v2', 'encoded-slash');
    const path = '/api/v2/..%2F..%2Finternal%2Fconfig';
    await send(h.proxyUrl, { path, headers: ['Host', 'ehr.example', 'Connection', 'Upgrade', 'Upgrade', 'websocket', 'Sec-WebSocket-Version', '13', 'Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='] }).catch(() => undefined);
    expect(await refusedCount(h, 'api-v2', 'encoded-slash')).toBe(before + 1);
    const { path: sentinelPath } = await sentinelThroughFicus();
    expect(nginx.received().slice(seenBefore).map((r) => r.requestUri)).toEqual([sentinelPath]);
  });

  it('sends no shadow copy of any crafted path to the new service (copies follow the same match)', async () => {
    for (const flag of FLAGS) await h.setFlagMode(flag, 'shadow');
    try {
      const seenBefore = nginx.received().length;
      for (const [path] of CRAFTED) expect(JSON.parse((await throughFicus(h, path)).body)).toMatchObject({ side: 'legacy', url: path });
      // The plain request is served by legacy and copied to nginx: its copy proves copies flow.
      const plain = '/fhir/Patient/pat-shadow-1';
      expect(JSON.parse((await throughFicus(h, plain)).body)).toMatchObject({ side: 'legacy', url: plain });
      await waitFor(() => nginx.received().some((r) => r.requestUri === plain), 5_000, 'shadow copy of the plain request');
      expect(nginx.received().slice(seenBefore).map((r) => r.requestUri)).toEqual([plain]);
    } finally {
      for (const flag of FLAGS) await h.setFlagMode(flag, 'new');
    }
  });
});
