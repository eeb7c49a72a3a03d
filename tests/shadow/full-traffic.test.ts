// Evidence at full traffic (#9): with 16 requests in flight on a shadowed route, 58% of copies were
// dropped as queue-full, and the default shadow budget (32 copies) dropped most of the rest at 100
// in flight. With the defaults, every one of 100 concurrent requests is now copied and compared:
// sampling is the operator's choice (compare.sample), never a side effect of a default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSummary } from '../../src/admin/route-report.ts';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';

const CONCURRENT = 100;
const ROUNDS = 5;

describe('a shadowed route at 100 concurrent requests, default budgets', () => {
  let h: TestFicus;

  beforeAll(async () => {
    h = await startTestFicus({ flags: { 'ficus.items': { mode: 'shadow' } } });
  });
  afterAll(async () => {
    await h?.close();
  });

  const summary = async (): Promise<RouteSummary> => {
    await h.ficus.flush();
    const res = await fetch(`${h.adminUrl}/api/routes`, { headers: { authorization: 'Bearer test-token' } });
    return ((await res.json()) as { routes: RouteSummary[] }).routes.find((r) => r.id === 'items')!;
  };

  it('copies and compares every request, skipping none', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const statuses = await Promise.all(Array.from({ length: CONCURRENT }, async (_, i) => {
        // fetch's default dispatcher opens as many connections as there are requests in flight.
        const res = await fetch(`${h.proxyUrl}/items/${round}-${i}`);
        await res.arrayBuffer();
        return res.status;
      }));
      expect(statuses.every((s) => s === 200)).toBe(true);
    }
    // Copies may still be in flight when the last client answer arrives.
    let stats = (await summary()).stats;
    for (let i = 0; i < 200 && stats.compared + stats.uncomparable < CONCURRENT * ROUNDS; i++) {
      await new Promise((r) => setTimeout(r, 25));
      stats = (await summary()).stats;
    }
    expect(stats.skipped).toEqual({});
    expect(stats.compared + stats.uncomparable).toBe(CONCURRENT * ROUNDS);
    expect(stats.served.legacy).toBe(CONCURRENT * ROUNDS);
  }, 60_000);
});
