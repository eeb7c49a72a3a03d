// A route's rollout plan, as declared in its route file under `rollout:`: an ordered list of steps
// (shadow until ready, canary at given percents, then new), each held for a minimum bake time and a
// minimum amount of evidence, with a person's approval before the steps that expose many patients.
// Validated once when routes load, like every other route setting.
import { z } from 'zod';

const minutes = z.number().nonnegative().max(7 * 24 * 60);

const stepSchema = z.union([
  z.strictObject({ shadow: z.literal(true), bakeMinutes: minutes.default(30), minComparisons: z.number().int().nonnegative().default(1000) }),
  z.strictObject({ canary: z.number().gt(0).lt(100), bakeMinutes: minutes.default(30), minRequests: z.number().int().nonnegative().default(500) }),
  z.strictObject({ new: z.literal(true), bakeMinutes: minutes.default(60), minRequests: z.number().int().nonnegative().default(1000) }),
]);

export const rolloutPlanSchema = z.strictObject({
  steps: z.array(stepSchema).min(1),
  /**
   * Steps that wait for a person's approval before they start. Default: any canary above 50% and
   * `new` — the steps after which most patients are served by the new service.
   */
  approval: z.strictObject({ aboveCanaryPercent: z.number().min(0).max(100).default(50), beforeNew: z.boolean().default(true) }).default({ aboveCanaryPercent: 50, beforeNew: true }),
  gates: z.strictObject({
    /** New's error rate may exceed legacy's over the same window by at most this (absolute fraction). */
    maxErrorRateAboveLegacy: z.number().min(0).max(1).default(0),
    /** New's p99 may exceed legacy's by at most this many milliseconds. */
    p99BudgetMs: z.number().nonnegative().default(50),
  }).default({ maxErrorRateAboveLegacy: 0, p99BudgetMs: 50 }),
  /** After this many automatic rollbacks the rollout stops and asks for a person. */
  maxRollbacks: z.number().int().min(1).max(20).default(3),
});

export type RolloutPlan = z.infer<typeof rolloutPlanSchema>;
export type RolloutStep = RolloutPlan['steps'][number];

/** The flag mode a step sets, in the words the admin API's mode change uses. */
export interface StepMode {
  readonly mode: 'shadow' | 'canary' | 'new';
  readonly percent?: number;
}

export function modeOfStep(step: RolloutStep): StepMode {
  if ('canary' in step) return { mode: 'canary', percent: step.canary };
  if ('new' in step) return { mode: 'new' };
  return { mode: 'shadow' };
}

export function describeStep(step: RolloutStep): string {
  const mode = modeOfStep(step);
  return mode.mode === 'canary' ? `canary ${mode.percent}%` : mode.mode;
}

/** Whether a person must approve before this step starts. */
export function needsApproval(plan: RolloutPlan, step: RolloutStep): boolean {
  const mode = modeOfStep(step);
  if (mode.mode === 'new') return plan.approval.beforeNew;
  return mode.mode === 'canary' && (mode.percent ?? 0) > plan.approval.aboveCanaryPercent;
}
