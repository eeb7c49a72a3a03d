// #13 item 6: a stopped PostgreSQL (a real one of the test's own) must not take the replica out of
// the load balancer; the store's health is its own signal, evidence waits in bounded buffers, and
// the admin API answers a short 503 with one log line, never a stack trace.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../support/store/private-postgres.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies asserted field by field
type Json = any;
let pg: PrivatePostgres;
let h: TestFicus;

beforeAll(async () => {
  pg = await startPrivatePostgres();
  h = await startTestFicus({
    settings: { databaseUrl: pg.url, diffKey: `outage:${randomBytes(32).toString('hex')}` },
    flags: { 'ficus.items': { mode: 'shadow' } },
  });
});
afterAll(async () => {
  pg?.start();
  await h?.close();
  pg?.destroy();
});

const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
  fetch(`${h.adminUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: 'Bearer test-token', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
const served = async (count: number) => {
  const statuses = await Promise.all(Array.from({ length: count }, (_, i) => fetch(`${h.proxyUrl}/items/p${i}`).then(async (r) => (await r.arrayBuffer(), r.status))));
  return statuses.filter((s) => s === 200).length;
};
/** The first check after a restart may meet a pooled connection the restart cut; the next one reconnects. */
const backToOk = async () => {
  for (let attempt = 0; attempt < 20; attempt++) {
    if ((await h.ficus.storeHealth.check()).status === 'ok') return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the store did not come back');
};
const servedLegacy = async () => ((await (await api('/api/routes/items')).json()) as Json).stats.served.legacy as number;

describe('a PostgreSQL outage under a running Ficus', () => {
  it('keeps /readyz ready and serves every request while the store is down; store health says unreachable', async () => {
    expect(await served(20)).toBe(20);
    await h.ficus.flush();
    const before = await servedLegacy();
    pg.stop();
    expect((await h.ficus.storeHealth.check()).status).toBe('unreachable');

    expect(await served(200)).toBe(200);
    await h.ficus.flush(); // fails: the rollups stay buffered and counted
    const ready = await fetch(`${h.adminUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', store: false, storeStatus: 'unreachable' });
    const verbose = (await (await fetch(`${h.adminUrl}/readyz?verbose`)).json()) as Json;
    expect(verbose.storeHealth).toMatchObject({ status: 'unreachable', code: 'STORE_UNREACHABLE', summary: 'the store is unreachable' });
    expect(verbose.storeHealth.buffered.pendingRollups).toBeGreaterThan(0);
    const metrics = await (await fetch(`${h.adminUrl}/metrics`)).text();
    expect(metrics).toContain('ficus_store_up 0');
    expect(metrics).toContain('ficus_store_status{status="unreachable"} 1');
    expect(metrics).toMatch(/ficus_store_buffered\{kind="rollups"\} [1-9]/);
    expect(metrics).toMatch(/ficus_store_failures_total\{code="STORE_UNREACHABLE"\} [1-9]/);

    // Back up: the buffered evidence is written, nothing served during the outage is lost.
    pg.start();
    await backToOk();
    await h.ficus.flush();
    expect(await servedLegacy()).toBe(before + 200);
    // Late shadow observations may be buffered again by now; none may have been dropped.
    expect(h.ficus.storeHealth.snapshot().buffered).toMatchObject({ droppedRollups: 0, droppedDifferences: 0 });
    expect(((await (await fetch(`${h.adminUrl}/readyz`)).json()) as Json).storeStatus).toBe('ok');
  });

  it('answers the admin API with a short 503 JSON during the outage, one log line, nothing on stderr', async () => {
    const stderr = vi.spyOn(console, 'error');
    pg.stop();
    await h.ficus.storeHealth.check();
    const linesBefore = h.logs.filter((l) => l.event === 'admin-store-unavailable').length;
    try {
      const answers = await Promise.all([
        api('/api/routes'), api('/api/routes/items'), api('/api/differences?route=items'), api('/api/audit'), api('/api/audit/verify'),
        api('/api/routes/items/mode', { method: 'PUT', body: { mode: 'legacy', reason: 'outage drill' } }),
      ]);
      for (const res of answers) {
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('5');
        const text = await res.text();
        expect(text.length).toBeLessThan(200);
        expect(text).not.toMatch(/127\.0\.0\.1|\bat \w|postgres:/);
        expect(JSON.parse(text)).toMatchObject({ code: 'STORE_UNREACHABLE' });
      }
      expect(h.logs.filter((l) => l.event === 'admin-store-unavailable').length - linesBefore).toBeLessThanOrEqual(1);
      expect(stderr).not.toHaveBeenCalled();
      // Nothing changed without its audit entry: the route is still in shadow.
      expect(((await (await fetch(`${h.adminUrl}/readyz`)).json()) as Json).status).toBe('ready');
    } finally {
      stderr.mockRestore();
      pg.start();
      await backToOk();
    }
    expect((await api('/api/routes/items')).status).toBe(200);
    expect(((await (await api('/api/routes/items')).json()) as Json).mode).toBe('shadow');
  });
});

describe('a store on a PostgreSQL that stops mid-query', () => {
  it('rejects the queries and keeps the process alive (a checked-out client\'s error event used to kill it)', async () => {
    const own = await startPrivatePostgres();
    const store = await openStore({ url: own.url });
    let closed = false;
    try {
      await sql`select 1`.execute(store.db);
      own.stop();
      for (let i = 0; i < 3; i++) await expect(sql`select 1`.execute(store.db)).rejects.toBeDefined();
      // Closing the pool resolves once every client's socket has closed, so each 'error' event the
      // cut connections emit has been delivered by then: an unhandled one fails the run before this.
      await store.close();
      closed = true;
    } finally {
      if (!closed) await store.close();
      own.destroy();
    }
  });
});
