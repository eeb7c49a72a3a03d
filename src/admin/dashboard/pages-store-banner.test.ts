// #13 item 6: the dashboard shows the store's health when it is not ok (the proxy keeps serving).
import { describe, expect, it } from 'vitest';
import { routesPage } from './pages.ts';
import type { StoreHealthSnapshot } from '../../store/store-health.ts';

const snapshot = (status: StoreHealthSnapshot['status']): StoreHealthSnapshot => ({
  status, since: '2026-11-30T04:00:00.000Z', code: status === 'ok' ? null : 'STORE_LOST', summary: status === 'ok' ? null : 'the store is not the one this Ficus was using (deleted or replaced)',
  lastCheckedAt: null, failures: {}, buffered: { pendingRollups: 0, pendingDifferences: 0, droppedRollups: 0, droppedDifferences: 0 }, identity: null, auditHead: null,
});
const page = async (store: StoreHealthSnapshot) =>
  String(await routesPage({ routes: [], killSwitch: false, flagsRevision: 'abc', principal: { actor: 'alice', role: 'operator' } as never, csrf: 'x', store }));

describe('the routes page store banner', () => {
  it('names a lost store, since when, and what still works', async () => {
    const html = await page(snapshot('lost'));
    expect(html).toContain('Store lost: the store is not the one this Ficus was using (deleted or replaced) (since 2026-11-30T04:00:00.000Z)');
    expect(html).toContain('The proxy keeps serving');
  });

  it('shows nothing while the store is ok', async () => {
    expect(await page(snapshot('ok'))).not.toContain('Store ');
  });
});
