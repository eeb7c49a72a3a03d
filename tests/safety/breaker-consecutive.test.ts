// A sudden total failure of the new service (issue 13 item 8): every connection reset. Writes cannot
// be replayed after a reset (the new service may have committed them), so each one the breaker lets
// through fails for a clinician. With the default spec the route must trip after five failures in
// a row; the windowed rate alone needed minRequests (20 here, ~15 s of traffic in production).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNewServiceDemo, type NewServiceDemoHandle } from '../../src/demo/new-service/server.ts';
import { startEchoUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { metricValue } from '../support/metrics/metric-value.ts';
import { type TestFicus, startTestFicus } from '../support/ficus/test-ficus.ts';

const ROUTES = `routes:
  - id: records
    match: { methods: ['*'], path: /records/:id }
    new: next
    flag: ficus.records
    stickiness: { path: id }
`;

describe('breaker under a reset storm (default spec)', () => {
  let legacy: TestUpstream;
  let next: NewServiceDemoHandle;
  let f: TestFicus;
  beforeAll(async () => {
    legacy = await startEchoUpstream('legacy');
    next = await startNewServiceDemo({ behaviour: 'reset' });
    f = await startTestFicus({ upstreams: `upstreams:\n  legacy:\n    url: ${legacy.url}\n  next:\n    url: ${next.url}\n`, routes: ROUTES, flags: { 'ficus.records': { mode: 'new' } } });
  });
  afterAll(async () => {
    await f?.close();
    await next?.close();
    await legacy?.close();
  });

  it('fails five writes, then serves every following write from legacy', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${f.proxyUrl}/records/pat-${i}`, { method: 'POST', body: '{"dose":"5 mg"}', headers: { 'content-type': 'application/json' } });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([502, 502, 502, 502, 502]);
    expect(statuses.slice(5)).toEqual(Array(35).fill(200));
    expect(f.ficus.breaker.state('records')).toBe('open');
    expect(await metricValue(f.ficus.adminUrl, 'ficus_fallbacks_total', { route: 'records', reason: 'breaker-open' })).toBe(35);
  });
});
