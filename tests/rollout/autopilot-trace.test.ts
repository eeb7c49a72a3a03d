// Every audited autopilot decision is one trace event (a span of its own), with route-level facts only.
// Ticks are counted, not timed: ficus_rollout_decisions_total counts every tick's decision (a hold
// repeats each tick), so the test waits until more holds were decided than were traced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { metricValue } from '../support/metrics/metric-value.ts';
import { startEchoUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { waitFor, waitForAsync } from '../support/wait-for.ts';

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
    await waitFor(() => decisions().length >= 2, 10_000, 'the advance and the first hold traced');
    // Ticks never overlap: a third hold decided means the second (a repeat) has finished, untraced.
    const holds = () => metricValue(t.adminUrl, 'ficus_rollout_decisions_total', { route: 'items', action: 'hold' });
    await waitForAsync(async () => (await holds()) >= 3, 10_000, 'two more ticks holding');
    const attrs = decisions().map((s) => s.attributes);
    expect(attrs).toHaveLength(2);
    expect(attrs[0]).toMatchObject({ 'ficus.route': 'items', 'ficus.rollout.action': 'advance', 'ficus.rollout.from': 'legacy', 'ficus.rollout.to': 'shadow' });
    expect(attrs[1]).toMatchObject({ 'ficus.rollout.action': 'hold', 'ficus.rollout.gates_inconclusive': expect.stringContaining('volume') });
  });
});
