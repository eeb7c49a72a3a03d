// Issue 9, builds 3-5, end to end against the demo upstreams: the patient read route, whose new
// service really drops /birthDate and /name/*/text for some patients, becomes ready by accepting
// those differences once the volume is there; a revoke makes it not ready again; a new version of
// the new service starts from zero (inconclusive) while the older version's evidence stays kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyDemo } from '../../src/demo/legacy/server.ts';
import { DEMO_NEW_SERVICE_VERSION, startNewServiceDemo } from '../../src/demo/new-service/server.ts';
import { patientReadRoute } from '../support/ficus/demo-routes.ts';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';

// Volume small enough for a test: 0 unexpected mismatches in 40 comparisons bounds the rate below 10%.
// The latency budget is out of the way: this test is about acceptance, and tests never judge wall-clock time.
const ROUTES = `routes:
${patientReadRoute(`    compare:
      ignore: [/meta/lastUpdated]
      arrays: { /telecom: unordered }
    readiness: { minComparisons: 40, maxMismatchRate: 0.1, latencyBudgetMs: 60000, versionHeader: X-Service-Version }
`)}`;

interface Summary {
  stats: { compared: number; uncomparable: number; matched: number; mismatched: number; acceptedMismatches: number; version: string; matchRate: number; matchRateWithAccepted: number; matchSummary: string };
  readiness: { outcome: string; ready: boolean; reasons: string[] };
  versions: { version: string }[];
}

describe('readiness through acceptance and per version, with the demo upstreams', () => {
  let legacy: Awaited<ReturnType<typeof startLegacyDemo>>;
  let next: Awaited<ReturnType<typeof startNewServiceDemo>>;
  let h: TestFicus;
  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(`${h.adminUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: 'Bearer test-token', ...(init.body ? { 'content-type': 'application/json' } : {}) },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const summary = async () => (await api('/api/routes/patient-read')).body as unknown as Summary;
  const promote = () => api('/api/routes/patient-read/mode', { method: 'PUT', body: { mode: 'new', reason: 'CHG-1: cut over' } });
  const read = async (count: number, offset = 0) => {
    for (let i = 0; i < count; i++) {
      const id = `pat-${String(((i + offset) % 60) + 1).padStart(4, '0')}`;
      await (await fetch(`${h.proxyUrl}/fhir/Patient/${id}`)).arrayBuffer();
    }
  };
  const waitForCompared = async (count: number) => {
    for (let i = 0; i < 300; i++) {
      await h.ficus.flush();
      const s = await summary();
      if (s.stats.compared + s.stats.uncomparable >= count) return s;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`never reached ${count} comparisons`);
  };

  beforeAll(async () => {
    legacy = await startLegacyDemo();
    next = await startNewServiceDemo();
    h = await startTestFicus({ routes: ROUTES, upstreams: { legacy: { url: legacy.url }, 'ehr-next': { url: next.url } }, flags: { 'ficus.patient-read': { mode: 'shadow' } } });
  });
  afterAll(async () => {
    await h?.close();
    await Promise.all([legacy?.close(), next?.close()]);
  });

  it('is inconclusive before any evidence, and the promotion guard refuses inconclusive (409)', async () => {
    expect((await summary()).readiness).toMatchObject({ outcome: 'inconclusive', ready: false, reasons: ['0 comparisons, need 40'] });
    const refused = await promote();
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'not_ready' });
    expect(String(refused.body.message)).toContain('not ready (inconclusive)');
  });

  it('accepting every expected difference makes the route ready once the volume is there, and a revoke makes it not ready', async () => {
    await read(60);
    const before = await waitForCompared(60);
    expect(before.stats.version).toBe(DEMO_NEW_SERVICE_VERSION);
    expect(before.stats.mismatched).toBeGreaterThan(0);
    expect(before.readiness.outcome).toBe('not-ready');
    expect(before.readiness.reasons.join('\n')).toMatch(/not accepted \(.*removed \/birthDate/);

    const { differences } = (await api('/api/differences?route=patient-read')).body as { differences: { pointer: string; kind: string }[] };
    expect(differences.map((d) => `${d.kind} ${d.pointer}`).sort()).toEqual(['removed /birthDate', 'removed /name/*/text']);
    for (const d of differences) {
      expect((await api('/api/differences/accept', { method: 'POST', body: { route: 'patient-read', pointer: d.pointer, kind: d.kind, reason: 'the new service omits fields legacy derives' } })).status).toBe(200);
    }

    const after = await summary();
    expect(after.readiness.reasons).toEqual([]);
    expect(after.readiness).toMatchObject({ outcome: 'ready', ready: true });
    expect(after.stats.acceptedMismatches).toBe(after.stats.mismatched); // the evidence already collected, re-scored
    expect(after.stats.matchRateWithAccepted).toBe(1);
    expect(after.stats.matchSummary).toMatch(/^\d+\.\d% exact · 100% with 2 accepted differences$/);
    const listed = (await api('/api/differences?route=patient-read')).body as { differences: { accepted: boolean }[] };
    expect(listed.differences.every((d) => d.accepted)).toBe(true); // shown as accepted, not hidden

    const revoked = await api('/api/differences/revoke', { method: 'POST', body: { route: 'patient-read', pointer: '/birthDate', kind: 'removed', reason: 'clinicians need the birth date after all' } });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ accepted: false, audit: { action: 'difference-revoked', route: 'patient-read' } });
    const again = await summary();
    expect(again.readiness.outcome).toBe('not-ready');
    expect(again.stats.acceptedMismatches).toBeLessThan(again.stats.mismatched);
    expect((await promote()).status).toBe(409);
    expect((await api('/api/differences/revoke', { method: 'POST', body: { route: 'patient-read', pointer: '/birthDate', kind: 'removed', reason: 'twice' } })).status).toBe(404);
  });

  it('a new version of the new service resets readiness to inconclusive; the earlier version stays in the history', async () => {
    await api('/api/differences/accept', { method: 'POST', body: { route: 'patient-read', pointer: '/birthDate', kind: 'removed', reason: 'accepted again' } });
    expect((await summary()).readiness.outcome).toBe('ready');

    next.setVersion('1.5.0');
    await read(5, 7);
    const fresh = await waitForCompared(5);
    expect(fresh.stats.version).toBe('1.5.0');
    expect(fresh.stats.compared + fresh.stats.uncomparable).toBe(5);
    expect(fresh.readiness).toMatchObject({ outcome: 'inconclusive', reasons: ['5 comparisons of version 1.5.0, need 40'] });
    expect(fresh.versions.map((v) => v.version)).toEqual(['1.5.0', DEMO_NEW_SERVICE_VERSION]);
  });
});
