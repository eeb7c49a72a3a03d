import { describe, expect, it } from 'vitest';
import { applyRolloutAction, approveStep, decideRollout, describePlan, type RolloutState } from './decide-rollout.ts';
import { evaluateGates, type StepEvidence } from './evaluate-gates.ts';
import { rolloutPlanSchema } from './rollout-plan.ts';

const plan = rolloutPlanSchema.parse({
  steps: [{ shadow: true, bakeMinutes: 10, minComparisons: 100 }, { canary: 5, bakeMinutes: 10, minRequests: 50 }, { canary: 50, bakeMinutes: 10, minRequests: 50 }, { canary: 75 }, { new: true }],
});
const start: RolloutState = { route: 'patient-read', status: 'running', step: -1, stepStartedAt: 0, rollbacks: 0, approvedStep: null };
const healthy: StepEvidence = {
  bakedMs: 11 * 60_000, requests: 80, comparisons: 150, readiness: 'ready', readinessReasons: [],
  newErrorRate: 0.001, legacyErrorRate: 0.001, newP99Ms: 40, legacyP99Ms: 30, breakerOpen: false,
};
const tick = (state: RolloutState, evidence: StepEvidence = healthy) => {
  const report = state.step < 0 ? null : evaluateGates(plan, plan.steps[state.step]!, evidence);
  const action = decideRollout(plan, state, report);
  return { action, state: applyRolloutAction(state, action, 1_000) };
};

describe('decideRollout', () => {
  it('advances step by step only while every gate holds, and waits for approval above 50%', () => {
    let s = start;
    const seen: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const next = tick(s);
      seen.push(`${next.action.action}${'to' in next.action ? ` ${next.action.to}` : ''}`);
      s = next.state;
    }
    expect(seen).toEqual(['advance 0', 'advance 1', 'advance 2', 'await-approval 3']);
    expect(s.status).toBe('awaiting-approval');
    expect(tick(s).action.action).toBe('await-approval');
    const approved = approveStep(s);
    expect(tick(approved).action).toMatchObject({ action: 'advance', to: 3 });
  });

  it('never rolls back on the p99 of a handful of requests: the latency gate waits for the step\'s volume', () => {
    const s = { ...start, step: 1 };
    const few = tick(s, { ...healthy, requests: 4, newP99Ms: 512, legacyP99Ms: 299 });
    expect(few.action.action).toBe('hold');
    expect(few.action.reason).toContain('latency-p99 new 512.0 ms over 4 requests on new: too few for a p99');
    expect(tick(s, { ...healthy, requests: 80, newP99Ms: 512, legacyP99Ms: 299 }).action).toMatchObject({ action: 'rollback', to: 0 });
  });

  it('holds on inconclusive evidence at night: too few requests is never a pass', () => {
    const s = { ...start, step: 1 };
    const { action } = tick(s, { ...healthy, requests: 3, newErrorRate: 0, newP99Ms: 12 });
    expect(action.action).toBe('hold');
    expect(action.reason).toContain('volume 3 requests on new (needs ≥ 50)');
    expect(tick(s, { ...healthy, readiness: 'inconclusive' }).action.action).toBe('hold');
    expect(tick(s, { ...healthy, newErrorRate: null }).action.action).toBe('hold');
  });

  it('rolls back to the previous step on a 5xx burst, with the numbers in the reason', () => {
    const { action, state } = tick({ ...start, step: 2 }, { ...healthy, newErrorRate: 0.2 });
    expect(action).toMatchObject({ action: 'rollback', to: 1 });
    expect(action.reason).toContain('error-rate new 20.00%, legacy 0.10%');
    expect(state).toMatchObject({ step: 1, rollbacks: 1, status: 'running' });
  });

  it('rolls back when a new version is not ready, even before the bake time is over', () => {
    const { action } = tick({ ...start, step: 1 }, { ...healthy, bakedMs: 60_000, readiness: 'not-ready', readinessReasons: ['12 mismatches in 300 comparisons'] });
    expect(action).toMatchObject({ action: 'rollback', to: 0 });
  });

  it('stops and asks for a person after the rollback cap', () => {
    const { action, state } = tick({ ...start, step: 1, rollbacks: 2 }, { ...healthy, breakerOpen: true });
    expect(action).toMatchObject({ action: 'stop', to: 0 });
    expect(state.status).toBe('stopped');
    expect(tick(state).action.action).toBe('none');
  });

  it('holds in shadow when not ready: nothing to roll back while no patient is served by new', () => {
    expect(tick({ ...start, step: 0 }, { ...healthy, readiness: 'not-ready' }).action.action).toBe('hold');
  });

  it('completes after the last step holds every gate', () => {
    expect(tick({ ...start, step: 4 }).action.action).toBe('hold');
    expect(tick({ ...start, step: 4 }, { ...healthy, bakedMs: 61 * 60_000, requests: 1000 }).action.action).toBe('complete');
  });

  it('describes a plan step by step for a dry run', () => {
    const lines = describePlan(plan);
    expect(lines).toHaveLength(5);
    expect(lines[3]).toContain('canary 75%, after a person approves');
    expect(lines[4]).toContain('new, after a person approves');
  });
});
