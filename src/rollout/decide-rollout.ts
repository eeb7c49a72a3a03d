// The autopilot's one decision per tick, as a pure function of the plan, the rollout's state and the
// gate report of its current step — so every path (advance, hold, wait for a person, roll back,
// give up) is tested from a table, and the controller around it only reads evidence, flips flags
// and writes the audit.
import type { GateReport } from './evaluate-gates.ts';
import { describeStep, needsApproval, type RolloutPlan } from './rollout-plan.ts';

export type RolloutStatus = 'running' | 'awaiting-approval' | 'paused' | 'stopped' | 'completed' | 'aborted';

export interface RolloutState {
  readonly route: string;
  readonly status: RolloutStatus;
  /** Index into plan.steps of the step in force; -1 before the first (the route is on legacy). */
  readonly step: number;
  readonly stepStartedAt: number;
  readonly rollbacks: number;
  /** The step a person approved to start (approval is for one step, not for the rest of the plan). */
  readonly approvedStep: number | null;
}

export type RolloutAction =
  | { readonly action: 'none'; readonly reason: string }
  | { readonly action: 'hold'; readonly reason: string }
  | { readonly action: 'advance'; readonly to: number; readonly reason: string }
  | { readonly action: 'await-approval'; readonly to: number; readonly reason: string }
  | { readonly action: 'rollback'; readonly to: number; readonly reason: string }
  | { readonly action: 'stop'; readonly to: number; readonly reason: string }
  | { readonly action: 'complete'; readonly reason: string };

export function decideRollout(plan: RolloutPlan, state: RolloutState, report: GateReport | null): RolloutAction {
  if (state.status !== 'running' && state.status !== 'awaiting-approval') return { action: 'none', reason: `rollout is ${state.status}` };
  if (state.step < 0) return startOrWait(plan, state, 0, 'rollout starts');
  const step = plan.steps[state.step]!;
  if (!report) return { action: 'hold', reason: 'no evidence read yet' };
  const failed = report.gates.filter((g) => g.outcome === 'fail');
  const missing = report.gates.filter((g) => g.outcome === 'inconclusive');
  if (report.outcome === 'fail') {
    const why = failed.map((g) => `${g.name} ${g.measured} (needs ${g.threshold})`).join('; ');
    // In shadow no patient is served by new: a failing gate means "not yet", not "roll back".
    if ('shadow' in step) return { action: 'hold', reason: `shadow holds: ${why}` };
    const to = state.step - 1;
    if (state.rollbacks + 1 >= plan.maxRollbacks) return { action: 'stop', to, reason: `rollback ${state.rollbacks + 1} of ${plan.maxRollbacks}, so the rollout stops for a person: ${why}` };
    return { action: 'rollback', to, reason: `${describeStep(step)} failed: ${why}` };
  }
  if (report.outcome === 'inconclusive') {
    return { action: 'hold', reason: `waiting for evidence: ${missing.map((g) => `${g.name} ${g.measured} (needs ${g.threshold})`).join('; ')}` };
  }
  if (state.step === plan.steps.length - 1) return { action: 'complete', reason: `${describeStep(step)} held every gate: the plan is complete` };
  return startOrWait(plan, state, state.step + 1, `${describeStep(step)} held every gate`);
}

function startOrWait(plan: RolloutPlan, state: RolloutState, to: number, why: string): RolloutAction {
  const next = plan.steps[to]!;
  if (needsApproval(plan, next) && state.approvedStep !== to) {
    return { action: 'await-approval', to, reason: `${why}; ${describeStep(next)} needs a person's approval` };
  }
  return { action: 'advance', to, reason: `${why}; moving to ${describeStep(next)}` };
}

/** The state after an action, at time `now`. The flag change itself is the controller's job. */
export function applyRolloutAction(state: RolloutState, action: RolloutAction, now: number): RolloutState {
  switch (action.action) {
    case 'none':
    case 'hold':
      return state;
    case 'await-approval':
      return { ...state, status: 'awaiting-approval' };
    case 'advance':
      return { ...state, status: 'running', step: action.to, stepStartedAt: now, approvedStep: null };
    case 'rollback':
      return { ...state, status: 'running', step: action.to, stepStartedAt: now, rollbacks: state.rollbacks + 1 };
    case 'stop':
      return { ...state, status: 'stopped', step: action.to, stepStartedAt: now, rollbacks: state.rollbacks + 1 };
    case 'complete':
      return { ...state, status: 'completed' };
  }
}

/** A person approves the step the rollout waits for; the next tick advances to it. */
export function approveStep(state: RolloutState): RolloutState {
  if (state.status !== 'awaiting-approval') return state;
  return { ...state, status: 'running', approvedStep: state.step + 1 };
}

/** What a plan would do, step by step, without flipping anything (the `dry-run` of a plan). */
export function describePlan(plan: RolloutPlan): string[] {
  return plan.steps.map((step, i) => {
    const evidence = 'shadow' in step ? `${step.minComparisons} comparisons` : `${step.minRequests} requests on new`;
    const approval = needsApproval(plan, step) ? ', after a person approves' : '';
    return `${i + 1}. ${describeStep(step)}${approval}: hold ≥ ${step.bakeMinutes} min and ≥ ${evidence}; advance when ready, error rate ≤ legacy + ${plan.gates.maxErrorRateAboveLegacy * 100}%, p99 ≤ legacy + ${plan.gates.p99BudgetMs} ms, breaker closed`;
  });
}
