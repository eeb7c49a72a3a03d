// The autopilot: once per tick, the replica holding the `autopilot` lease reads each running
// rollout's evidence, asks decideRollout what to do, flips the flag when the step changes (never in
// a dry run), and writes the decision — with every gate's measured value and threshold — to the
// audit log, the store (for status and the timeline) and the log. A replica that cannot renew the
// lease stops deciding at once: two pilots flipping one route is worse than none.
import type { Kysely } from 'kysely';
import type { Mode } from '../shared/words.ts';
import type { StoreSchema } from '../store/schema.ts';
import { acquireLease, releaseLease } from '../store/leases.ts';
import { listRollouts, loadRollout, saveRollout, saveRolloutIfUnchanged, type RolloutRow } from '../store/rollouts.ts';
import { applyRolloutAction, approveStep, decideRollout, type RolloutAction, type RolloutState, type RolloutStatus } from './decide-rollout.ts';
import { evaluateGates, type GateReport, type StepEvidence } from './evaluate-gates.ts';
import { describeStep, modeOfStep, rolloutPlanSchema, type RolloutPlan } from './rollout-plan.ts';

export const AUTOPILOT_LEASE = 'autopilot';

export interface RolloutAudit {
  readonly action: 'rollout-started' | 'rollout-decision' | 'rollout-approved' | 'rollout-paused' | 'rollout-resumed' | 'rollout-aborted';
  readonly route: string;
  readonly actor: string;
  readonly reason: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface RolloutControllerDeps {
  readonly db: Kysely<StoreSchema>;
  /** This replica's name in the lease. */
  readonly holder: string;
  readonly now: () => number;
  readonly leaseTtlMs: number;
  /** The plan a route declares in its route file, if any. */
  planOf(route: string): RolloutPlan | undefined;
  /** Evidence since a time, for the route's current new-service version. */
  stepEvidence(route: string, sinceMs: number): Promise<StepEvidence>;
  /** Flips the route's flag (through the same writer as the admin API). */
  setMode(route: string, mode: Mode, percent: number, reason: string): Promise<void>;
  audit(entry: RolloutAudit): Promise<void>;
  onDecision?(route: string, action: RolloutAction, report: GateReport | null): void;
}

export interface RolloutView {
  readonly route: string;
  readonly status: RolloutStatus;
  readonly step: string;
  readonly stepIndex: number;
  /** When the current step began (ms since the epoch): its bake time counts from here. */
  readonly stepStartedAt: number;
  readonly steps: readonly string[];
  readonly rollbacks: number;
  readonly dryRun: boolean;
  readonly startedBy: string;
  readonly lastDecision: unknown;
}

export type RolloutCommandError = { readonly error: 'no_plan' | 'not_found' | 'already_running' | 'not_waiting' | 'not_running'; readonly message: string };

export interface RolloutController {
  /** One decision per running rollout; false when this replica does not hold the lease. */
  tick(): Promise<boolean>;
  start(route: string, by: string, reason: string, options?: { dryRun?: boolean }): Promise<RolloutView | RolloutCommandError>;
  approve(route: string, by: string, reason: string): Promise<RolloutView | RolloutCommandError>;
  setPaused(route: string, paused: boolean, by: string, reason: string): Promise<RolloutView | RolloutCommandError>;
  abort(route: string, by: string, reason: string): Promise<RolloutView | RolloutCommandError>;
  list(): Promise<RolloutView[]>;
  release(): Promise<void>;
}

export function createRolloutController(deps: RolloutControllerDeps): RolloutController {
  const change = async (route: string, by: string, reason: string, action: RolloutAudit['action'], edit: (row: RolloutRow, state: RolloutState) => RolloutState | RolloutCommandError) => {
    const row = await loadRollout(deps.db, route);
    if (!row) return { error: 'not_found', message: `no rollout for route "${route}"` } as const;
    const next = edit(row, stateOf(row));
    if ('error' in next) return next;
    // updated_ms always moves, so a tick that read the row before this change cannot overwrite it.
    const saved = { ...rowOf(next, row), updated_ms: Math.max(deps.now(), row.updated_ms + 1) };
    await saveRollout(deps.db, saved);
    await deps.audit({ action, route, actor: by, reason, details: { status: next.status, step: stepName(row, next.step) } });
    return viewOf(saved);
  };

  return {
    async tick() {
      if (!(await acquireLease(deps.db, AUTOPILOT_LEASE, deps.holder, deps.leaseTtlMs, deps.now()))) return false;
      for (const row of await listRollouts(deps.db)) {
        if (row.status !== 'running' && row.status !== 'awaiting-approval') continue;
        await decideOne(deps, row);
      }
      return true;
    },
    async start(route, by, reason, options = {}) {
      const plan = deps.planOf(route);
      if (!plan) return { error: 'no_plan', message: `route "${route}" declares no rollout plan (add rollout: to its route file)` };
      const existing = await loadRollout(deps.db, route);
      if (existing && (existing.status === 'running' || existing.status === 'awaiting-approval' || existing.status === 'paused')) {
        return { error: 'already_running', message: `route "${route}" already has a ${existing.status} rollout` };
      }
      const row: RolloutRow = {
        route, plan: JSON.stringify(plan), status: 'running', step: -1, step_started_ms: deps.now(), rollbacks: 0, approved_step: null,
        dry_run: options.dryRun ? 1 : 0, started_by: by, updated_ms: deps.now(), last_decision: null,
      };
      await saveRollout(deps.db, row);
      await deps.audit({ action: 'rollout-started', route, actor: by, reason, details: { dryRun: Boolean(options.dryRun), steps: plan.steps.map(describeStep) } });
      return viewOf(row);
    },
    approve: (route, by, reason) => change(route, by, reason, 'rollout-approved', (_row, state) =>
      state.status === 'awaiting-approval' ? approveStep(state) : { error: 'not_waiting', message: `the rollout of "${route}" is ${state.status}, not waiting for approval` }),
    setPaused: (route, paused, by, reason) => change(route, by, reason, paused ? 'rollout-paused' : 'rollout-resumed', (_row, state) => {
      if (paused && (state.status === 'running' || state.status === 'awaiting-approval')) return { ...state, status: 'paused' };
      if (!paused && state.status === 'paused') return { ...state, status: 'running', stepStartedAt: deps.now() };
      return { error: 'not_running', message: `the rollout of "${route}" is ${state.status}` };
    }),
    abort: (route, by, reason) => change(route, by, reason, 'rollout-aborted', (_row, state) =>
      // Abort stops deciding; the flag stays where it is (a person chooses where to go from here).
      state.status === 'completed' || state.status === 'aborted' ? { error: 'not_running', message: `the rollout of "${route}" is ${state.status}` } : { ...state, status: 'aborted' }),
    async list() {
      return (await listRollouts(deps.db)).map(viewOf);
    },
    release: () => releaseLease(deps.db, AUTOPILOT_LEASE, deps.holder),
  };
}

async function decideOne(deps: RolloutControllerDeps, row: RolloutRow): Promise<void> {
  const plan = rolloutPlanSchema.parse(JSON.parse(row.plan));
  const state = stateOf(row);
  const step = plan.steps[state.step];
  const report = step ? evaluateGates(plan, step, await deps.stepEvidence(row.route, state.stepStartedAt)) : null;
  const action = decideRollout(plan, state, report);
  deps.onDecision?.(row.route, action, report);
  const next = applyRolloutAction(state, action, deps.now());
  const stepChanged = next.step !== state.step;
  // Holds and waits for approval repeat every tick, with measured values that move (bake time):
  // audit a decision when it moves the route or when which gates hold, fail or wait changes.
  const signature = [action.action, stepName(row, next.step), ...(report?.gates ?? []).map((g) => `${g.name}:${g.outcome}`)].join('|');
  const decision = { action: action.action, reason: action.reason, at: deps.now(), gates: report?.gates ?? [], from: stepName(row, state.step), to: stepName(row, next.step), signature };
  const previous = row.last_decision ? (JSON.parse(row.last_decision) as { signature?: string }) : null;
  const worthAuditing = stepChanged || previous?.signature !== signature;
  // Claim the transition first, conditionally: an abort, pause or approval saved while this tick
  // read its evidence wins, and this decision is dropped (the next tick decides afresh).
  const claimed = await saveRolloutIfUnchanged(deps.db, { ...rowOf(next, row), updated_ms: Math.max(deps.now(), row.updated_ms + 1), last_decision: JSON.stringify(decision) }, row.updated_ms);
  if (!claimed) return;
  if (stepChanged && row.dry_run === 0) {
    const target = next.step >= 0 ? modeOfStep(plan.steps[next.step]!) : { mode: 'legacy' as const, percent: 0 };
    try {
      await deps.setMode(row.route, target.mode, target.percent ?? 0, `autopilot: ${action.reason}`);
    } catch (error) {
      // The flag did not move (or was moved back): the rollout stays where it was, and says why.
      await saveRollout(deps.db, { ...row, updated_ms: Math.max(deps.now(), row.updated_ms + 2) });
      throw error;
    }
  }
  if (worthAuditing) {
    await deps.audit({ action: 'rollout-decision', route: row.route, actor: 'autopilot', reason: action.reason, details: { ...decision, dryRun: row.dry_run === 1, rollbacks: next.rollbacks } });
  }
}

function stateOf(row: RolloutRow): RolloutState {
  return { route: row.route, status: row.status as RolloutStatus, step: row.step, stepStartedAt: row.step_started_ms, rollbacks: row.rollbacks, approvedStep: row.approved_step };
}

function rowOf(state: RolloutState, row: RolloutRow): RolloutRow {
  return { ...row, status: state.status, step: state.step, step_started_ms: state.stepStartedAt, rollbacks: state.rollbacks, approved_step: state.approvedStep };
}

function stepName(row: RolloutRow, index: number): string {
  if (index < 0) return 'legacy';
  const plan = rolloutPlanSchema.parse(JSON.parse(row.plan));
  return plan.steps[index] ? describeStep(plan.steps[index]) : 'legacy';
}

function viewOf(row: RolloutRow): RolloutView {
  const plan = rolloutPlanSchema.parse(JSON.parse(row.plan));
  return {
    route: row.route, status: row.status as RolloutStatus, step: stepName(row, row.step), stepIndex: row.step, stepStartedAt: Number(row.step_started_ms), steps: plan.steps.map(describeStep),
    rollbacks: row.rollbacks, dryRun: row.dry_run === 1, startedBy: row.started_by, lastDecision: row.last_decision ? JSON.parse(row.last_decision) : null,
  };
}
