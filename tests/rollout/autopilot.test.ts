// The autopilot end to end in a real Ficus: a route's plan walks shadow → canary 10% → (approval) →
// canary 75% on real traffic through real upstreams, every decision in the audit log with its gate
// values; and the migration map shows the unmigrated traffic without the PHI in its paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { waitForAsync } from '../support/wait-for.ts';

const ROUTES = `routes:
  - id: items
    match: { methods: [GET], path: /items/:id }
    new: next
    flag: ficus.items
    stickiness: { path: id }
    compare: { ignore: [/side] }
    readiness: { minComparisons: 5, maxMismatchRate: 0.5 }
    rollout:
      steps:
        - { shadow: true, bakeMinutes: 0, minComparisons: 5 }
        - { canary: 10, bakeMinutes: 0, minRequests: 1 }
        - { canary: 75, bakeMinutes: 0, minRequests: 1 }
`;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers read field by field
type Json = Record<string, any>;
const auth = { authorization: 'Bearer test-token', 'content-type': 'application/json' };

describe('autopilot in a running Ficus', () => {
  let h: TestFicus;
  beforeAll(async () => {
    h = await startTestFicus({ routes: ROUTES, flags: { 'ficus.items': { mode: 'legacy' } }, settings: { autopilotTickMs: 200 } });
  });
  afterAll(async () => h?.close());

  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${h.adminUrl}${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const rollout = async () => (await admin('GET', '/api/rollouts/items')).body['rollout'] as { status: string; step: string } | null;
  const traffic = async (n: number, offset = 0) => {
    for (let i = 0; i < n; i += 1) await (await fetch(`${h.proxyUrl}/items/${offset + i}`)).text();
    await h.ficus.flush();
  };

  it('walks the plan on real evidence, waits for a person before 75%, and audits every decision with its numbers', async () => {
    expect((await admin('POST', '/api/rollouts/items/start', {})).status).toBe(400);
    expect((await admin('POST', '/api/rollouts/items/start', { reason: 'move items to the new service' })).status).toBe(200);
    await waitForAsync(async () => (await rollout())?.step === 'shadow' || undefined, 5_000, 'shadow step');
    await traffic(20);
    await waitForAsync(async () => (await rollout())?.step === 'canary 10%' || undefined, 10_000, 'canary 10% step');
    await traffic(60, 100);
    const waiting = await waitForAsync(async () => { const r = await rollout(); return r?.status === 'awaiting-approval' ? r : undefined; }, 10_000, 'approval wait');
    expect(waiting.step).toBe('canary 10%');
    expect((await admin('POST', '/api/rollouts/items/approve', { reason: 'numbers reviewed' })).status).toBe(200);
    await waitForAsync(async () => (await rollout())?.step === 'canary 75%' || undefined, 5_000, 'canary 75% step');
    await waitForAsync(async () => { const r = (await admin('GET', '/api/routes/items')).body; return r['mode'] === 'canary' && r['percent'] === 75 || undefined; }, 5_000, 'flag at canary 75%');

    // Prometheus sees the rollout's step and state, and the decisions taken.
    const metrics = await waitForAsync(async () => {
      const text = await (await fetch(`${h.adminUrl}/metrics`)).text();
      return text.includes('ficus_rollout_step{route="items"} 2') ? text : undefined;
    }, 5_000, 'rollout metrics');
    // canary 75% is the plan's last step: a later tick may already have completed the rollout.
    expect(metrics).toMatch(/ficus_rollout_status\{route="items",status="(running|completed)"\} 1/);
    expect(metrics).toMatch(/ficus_rollout_decisions_total\{route="items",action="advance"\} [1-9]/);
    await h.ficus.auditor.settled();
    const audit = (await admin('GET', '/api/audit?route=items&limit=100')).body['entries'] as { action: string; actor: string; details: Json }[];
    const actions = audit.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['rollout-started', 'rollout-decision', 'rollout-approved']));
    const advance = audit.find((e) => e.action === 'rollout-decision' && e.details['action'] === 'advance' && e.details['to'] === 'canary 10%');
    expect(advance?.details['gates']).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'volume', outcome: 'pass' })]));
    // Every flip the autopilot made is audited as a flag change by the autopilot: shadow, canary 10, canary 75.
    expect(audit.filter((e) => (e.action === 'mode-change' || e.action === 'percent-change') && e.actor === 'autopilot')).toHaveLength(3);
  });

  it('the migration map counts unmigrated traffic by template and never shows the PHI in its paths', async () => {
    for (const path of ['/legacy/patients/Quigglesworth/chart', '/legacy/patients/MRN-CANARY-4411/chart', '/legacy/patients/1970-01-01/chart']) {
      await (await fetch(`${h.proxyUrl}${path}`)).text();
    }
    const map = await admin('GET', '/api/map');
    expect(map.status).toBe(200);
    const text = JSON.stringify(map.body);
    for (const canary of ['Quigglesworth', 'MRN-CANARY-4411', '1970-01-01']) expect(text).not.toContain(canary);
    expect(map.body['unmigrated']).toEqual(expect.arrayContaining([expect.objectContaining({ method: 'GET', template: '/*/patients/*/chart', requests: 3 })]));
    expect(map.body['byServedAs']['canary'] + map.body['byServedAs']['shadow']).toBeGreaterThan(0);
    expect((await admin('GET', '/api/map?limit=0')).status).toBe(400);
  });
});
