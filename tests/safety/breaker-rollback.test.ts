// Automatic rollback end to end: a new service that keeps failing trips the route's breaker, the
// route is served by legacy without touching new, probes go out after openMs, and the route is
// restored after enough good probes. Trip and restore are audited with their numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNewServiceDemo, type NewServiceDemoHandle } from '../../src/demo/new-service/server.ts';
import { listAudit } from '../../src/store/audit-log.ts';
import { startEchoUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { type TestFicus, lastRequestLog, startTestFicus } from '../support/ficus/test-ficus.ts';

const ROUTES = `routes:
  - id: records
    match: { methods: ['*'], path: /records/:id }
    new: next
    flag: ficus.records
    breaker: { windowMs: 10000, minRequests: 4, errorRate: 0.5, openMs: 5000, probeRate: 0.5, probesToClose: 2 }
`;

describe('circuit breaker on the request path (injected clock)', () => {
  let legacy: TestUpstream;
  let next: NewServiceDemoHandle;
  let f: TestFicus;
  let clock = Date.parse('2026-05-04T08:00:00Z');
  let random = 0.9;

  beforeAll(async () => {
    legacy = await startEchoUpstream('legacy');
    next = await startNewServiceDemo({ behaviour: 'error500' });
    f = await startTestFicus({
      upstreams: `upstreams:\n  legacy:\n    url: ${legacy.url}\n  next:\n    url: ${next.url}\n`,
      routes: ROUTES,
      flags: { 'ficus.records': { mode: 'new' } },
      now: () => new Date(clock),
      random: () => random,
    });
  });
  afterAll(async () => {
    await f?.close();
    await next?.close();
    await legacy?.close();
  });

  const get = async (id: number) => {
    const res = await fetch(`${f.proxyUrl}/records/${id}`);
    await res.arrayBuffer();
    return { status: res.status, log: await lastRequestLog(f.logs, f.requests().length) };
  };

  it('trips after the threshold, serves legacy while open, and restores after successful probes', async () => {
    // Four 500s from new (each still served to the client by legacy through fallback): 4/4 ≥ 50%.
    for (let i = 1; i <= 4; i++) expect((await get(i)).status).toBe(200);
    expect(next.received()).toHaveLength(4);
    expect(f.ficus.breaker.state('records')).toBe('open');
    expect((await f.routeSummary('records')).breaker).toBe('open');

    // Open: legacy serves and new is not even asked.
    const diverted = await get(5);
    expect(diverted.status).toBe(200);
    expect(diverted.log).toMatchObject({ servedBy: 'legacy', fallback: 'breaker-open' });
    expect(next.received()).toHaveLength(4);

    // Just before openMs: still open. At openMs: half-open; random 0.9 ≥ probeRate keeps this one on legacy.
    clock += 4_999;
    await get(6);
    expect(next.received()).toHaveLength(4);
    clock += 1;
    await get(7);
    expect(f.ficus.breaker.state('records')).toBe('half-open');
    expect(next.received()).toHaveLength(4);

    // The new service recovered: two probes (random 0.1 < 0.5) succeed and the route is restored.
    next.setBehaviour('normal');
    random = 0.1;
    expect((await get(8)).log).toMatchObject({ servedBy: 'new' });
    expect(f.ficus.breaker.state('records')).toBe('half-open');
    expect((await get(9)).log).toMatchObject({ servedBy: 'new' });
    expect(f.ficus.breaker.state('records')).toBe('closed');
    random = 0.9;
    expect((await get(10)).log).toMatchObject({ servedBy: 'new' });

    await f.ficus.flush();
    const audit = (await listAudit(f.ficus.store.db, { route: 'records' })).reverse();
    const breakerEntries = audit.filter((e) => e.action.startsWith('breaker-'));
    expect(breakerEntries.map((e) => [e.action, e.actor, e.source])).toEqual([
      ['breaker-trip', 'ficus', 'proxy'],
      ['breaker-restore', 'ficus', 'proxy'],
    ]);
    expect(breakerEntries[0]!.details).toMatchObject({ cause: 'threshold', requests: 4, errors: 4, rate: 1, windowMs: 10_000, errorRate: 0.5, minRequests: 4 });
    expect(breakerEntries[1]!.details).toMatchObject({ probes: 2, probesToClose: 2, openForMs: 5_000 });
    expect(f.logs.filter((l) => l.event === 'breaker-trip' || l.event === 'breaker-restore').map((l) => l.event)).toEqual(['breaker-trip', 'breaker-restore']);
    expect((await f.routeSummary('records')).breaker).toBe('closed');
  });

  it('re-opens on a failed probe', async () => {
    next.setBehaviour('error500');
    for (let i = 1; i <= 4; i++) await get(i);
    expect(f.ficus.breaker.state('records')).toBe('open');
    clock += 5_000;
    random = 0.1;
    expect((await get(5)).status).toBe(200); // the probe failed with 500 and fell back to legacy
    expect(f.ficus.breaker.state('records')).toBe('open');
    await f.ficus.flush();
    const trips = (await listAudit(f.ficus.store.db, { route: 'records' })).filter((e) => e.action === 'breaker-trip');
    expect(trips[0]!.details).toMatchObject({ cause: 'probe-failed', from: 'half-open' });
  });
});
