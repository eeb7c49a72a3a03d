// Every audited autopilot decision is one trace event (a span of its own), with route-level facts only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { type TestFicus, startTestFicus } from '../support/ficus/test-ficus.ts';

const ROUTES = `routes:
  - id: items
    match: { methods: [GET], path: /items/:id }
    new: next
    flag: ficus.items
    stickiness: { path: id }
    rollout:
      steps:
        - { shadow: true, bakeMinutes: 0, minComparisons: 1000 }
`;

describe('autopilot decisions in traces', () => {
  let t: TestFicus;
  let legacy: TestUpstream;
  let next: TestUpstream;
  beforeAll(async () => {
    legacy = await startEchoUpstream('legacy');
    next = await startEchoUpstream('new');
    t = await startTestFicus({ routes: ROUTES, upstreams: { legacy: legacy.url, next: next.url }, flags: { 'ficus.items': { mode: 'legacy' } }, settings: { autopilotTickMs: 100 }, traces: 'in-memory' });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([legacy?.close(), next?.close()]);
  });

  it('emits one span per audited decision: the move to shadow, then one hold for want of evidence', async () => {
    const started = await fetch(`${t.ficus.adminUrl}/api/rollouts/items/start`, {
      method: 'POST', headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'trace it' }),
    });
    expect(started.status).toBe(200);
    const decisions = () => t.spans.getFinishedSpans().filter((s) => s.name === 'ficus.rollout.decision');
    for (let i = 0; i < 100 && decisions().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500)); // more ticks: a repeated hold is not a new event
    const attrs = decisions().map((s) => s.attributes);
    expect(attrs).toHaveLength(2);
    expect(attrs[0]).toMatchObject({ 'ficus.route': 'items', 'ficus.rollout.action': 'advance', 'ficus.rollout.from': 'legacy', 'ficus.rollout.to': 'shadow' });
    expect(attrs[1]).toMatchObject({ 'ficus.rollout.action': 'hold', 'ficus.rollout.gates_inconclusive': expect.stringContaining('volume') });
  });
});
