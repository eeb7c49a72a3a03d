// The migration map lives in the store: two Ficus on one PostgreSQL each answer GET /api/map with
// both replicas' traffic, a Ficus started after both stopped (a restart) still shows it, and the
// window is validated like every window parameter of the admin API.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { testEngines } from '../support/store/engines.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers read field by field
type Json = Record<string, any>;
const auth = { authorization: 'Bearer test-token' };
const postgres = testEngines().find((e) => e.name === 'postgres')!;
const diffKey = `map:${randomBytes(32).toString('hex')}`;
const running: TestFicus[] = [];
afterAll(async () => {
  await Promise.all(running.map((h) => h.close()));
});

async function replica(databaseUrl: string): Promise<TestFicus> {
  const h = await startTestFicus({ settings: { databaseUrl, diffKey, autopilotTickMs: 0 } });
  running.push(h);
  return h;
}

async function map(h: TestFicus, query = ''): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${h.adminUrl}/api/map${query}`, { headers: auth });
  return { status: response.status, body: (await response.json()) as Json };
}

async function send(h: TestFicus, paths: readonly string[]): Promise<void> {
  for (const path of paths) await (await fetch(`${h.proxyUrl}${path}`)).text();
}

describe('the migration map in the store', () => {
  it('merges two replicas on one PostgreSQL, and a restarted Ficus still shows it', async () => {
    const url = await postgres.freshUrl();
    const [a, b] = [await replica(url), await replica(url)];
    await send(a, Array.from({ length: 6 }, (_, i) => `/api/v1/orders/${1000 + i}`));
    await send(b, Array.from({ length: 4 }, (_, i) => `/api/v1/orders/${2000 + i}`));
    await send(b, ['/reports/census', '/items/1']);
    await Promise.all([a.ficus.flush(), b.ficus.flush()]);
    for (const h of [a, b]) {
      const { status, body } = await map(h);
      expect(status).toBe(200);
      expect(body['window']).toBe('24h');
      expect(body['unmigrated']).toEqual(expect.arrayContaining([expect.objectContaining({ method: 'GET', template: '/api/v1/orders/*', requests: 10 })]));
      expect(body['total']).toBe(12);
      expect(body['byServedAs']['legacy-route']).toBe(1);
    }

    await a.close();
    await b.close();
    running.splice(0);
    const restarted = await replica(url);
    const { body } = await map(restarted, '?window=1h');
    expect(body['window']).toBe('1h');
    expect(body['unmigrated']).toEqual(expect.arrayContaining([expect.objectContaining({ template: '/api/v1/orders/*', requests: 10, suggestedRoute: expect.stringContaining('path: /api/v1/orders/:orderId') })]));
    expect(body['total']).toBe(12);
  }, 60_000);

  it('refuses a bogus window with a 400 naming the parameter, like every window of the API', async () => {
    const h = await replica(await postgres.freshUrl());
    for (const bad of ['bogus', '0h', '24', '1y']) {
      const { status, body } = await map(h, `?window=${bad}`);
      expect(status, bad).toBe(400);
      expect(body['issues']).toEqual([expect.objectContaining({ in: 'query', path: 'window' })]);
    }
    for (const good of ['1h', '24h', '7d', '30m']) expect((await map(h, `?window=${good}`)).status).toBe(200);
  }, 30_000);
});
