// The gates of one rollout step, judged from the evidence gathered since the step began. Each gate
// is pass, fail or inconclusive with the measured value and the threshold it was held to, because
// every decision is audited with the numbers that made it. A night shift's trickle of traffic is
// "inconclusive", never a pass: the autopilot holds rather than guesses (the NaN-promotes trap of
// metric-driven rollouts).
import type { RolloutPlan, RolloutStep } from './rollout-plan.ts';

export type GateOutcome = 'pass' | 'fail' | 'inconclusive';

export interface Gate {
  readonly name: 'bake-time' | 'volume' | 'readiness' | 'error-rate' | 'latency-p99' | 'breaker';
  readonly outcome: GateOutcome;
  readonly measured: string;
  readonly threshold: string;
}

/** What the step has seen since it started, for the current new-service version only. */
export interface StepEvidence {
  readonly bakedMs: number;
  /** Requests served by new on this step (canary/new) or comparisons made (shadow). */
  readonly requests: number;
  readonly comparisons: number;
  readonly readiness: 'ready' | 'not-ready' | 'inconclusive';
  readonly readinessReasons: readonly string[];
  /** Failed (5xx, timeout, error) / answered, per side over the same window; null when no traffic. */
  readonly newErrorRate: number | null;
  readonly legacyErrorRate: number | null;
  readonly newP99Ms: number | null;
  readonly legacyP99Ms: number | null;
  readonly breakerOpen: boolean;
}

export interface GateReport {
  readonly outcome: GateOutcome;
  readonly gates: readonly Gate[];
}

export function evaluateGates(plan: RolloutPlan, step: RolloutStep, evidence: StepEvidence): GateReport {
  const gates: Gate[] = [
    bakeTime(step, evidence),
    volume(step, evidence),
    readiness(evidence),
    // In shadow no client is served by new: its failures and latency are judged by readiness (the
    // status matrix and p99s of the compared pairs), and there is no served traffic to rate here.
    'shadow' in step ? covered('error-rate') : errorRate(plan, evidence),
    'shadow' in step ? covered('latency-p99') : latency(plan, step, evidence),
    { name: 'breaker', outcome: evidence.breakerOpen ? 'fail' : 'pass', measured: evidence.breakerOpen ? 'open' : 'closed', threshold: 'closed' },
  ];
  // A failed gate on fresh evidence outweighs missing evidence elsewhere: it is a reason to roll back.
  const outcome: GateOutcome = gates.some((g) => g.outcome === 'fail') ? 'fail' : gates.some((g) => g.outcome === 'inconclusive') ? 'inconclusive' : 'pass';
  return { outcome, gates };
}

function covered(name: 'error-rate' | 'latency-p99'): Gate {
  return { name, outcome: 'pass', measured: 'judged by readiness in shadow', threshold: 'readiness' };
}

function bakeTime(step: RolloutStep, evidence: StepEvidence): Gate {
  const needMs = step.bakeMinutes * 60_000;
  return { name: 'bake-time', outcome: evidence.bakedMs >= needMs ? 'pass' : 'inconclusive', measured: `${minutesOf(evidence.bakedMs)} min`, threshold: `≥ ${step.bakeMinutes} min` };
}

function volume(step: RolloutStep, evidence: StepEvidence): Gate {
  const [seen, need, noun] = 'shadow' in step ? [evidence.comparisons, step.minComparisons, 'comparisons'] : [evidence.requests, step.minRequests, 'requests on new'];
  return { name: 'volume', outcome: seen >= need ? 'pass' : 'inconclusive', measured: `${seen} ${noun}`, threshold: `≥ ${need}` };
}

function readiness(evidence: StepEvidence): Gate {
  const outcome: GateOutcome = evidence.readiness === 'ready' ? 'pass' : evidence.readiness === 'not-ready' ? 'fail' : 'inconclusive';
  const measured = evidence.readiness + (evidence.readinessReasons.length > 0 ? `: ${evidence.readinessReasons.join('; ')}` : '');
  return { name: 'readiness', outcome, measured, threshold: 'ready' };
}

function errorRate(plan: RolloutPlan, evidence: StepEvidence): Gate {
  const allowed = plan.gates.maxErrorRateAboveLegacy;
  if (evidence.newErrorRate === null || evidence.legacyErrorRate === null) {
    return { name: 'error-rate', outcome: 'inconclusive', measured: 'no traffic on one side', threshold: `new ≤ legacy + ${percent(allowed)}` };
  }
  const ok = evidence.newErrorRate <= evidence.legacyErrorRate + allowed;
  return { name: 'error-rate', outcome: ok ? 'pass' : 'fail', measured: `new ${percent(evidence.newErrorRate)}, legacy ${percent(evidence.legacyErrorRate)}`, threshold: `new ≤ legacy + ${percent(allowed)}` };
}

/**
 * The p99 of a handful of requests is their slowest one: on the demo's canary 5% one request came
 * out at 512 ms against legacy's 299 ms fifteen seconds into the step and rolled it back. So the
 * gate judges only once new has served the step's volume; before, it is inconclusive and holds.
 */
function latency(plan: RolloutPlan, step: Exclude<RolloutStep, { shadow: true }>, evidence: StepEvidence): Gate {
  const budget = plan.gates.p99BudgetMs;
  const threshold = `new p99 ≤ legacy p99 + ${budget} ms`;
  if (evidence.newP99Ms === null || evidence.legacyP99Ms === null) return { name: 'latency-p99', outcome: 'inconclusive', measured: 'no latency on one side', threshold };
  if (evidence.requests < step.minRequests) {
    return { name: 'latency-p99', outcome: 'inconclusive', measured: `new ${evidence.newP99Ms.toFixed(1)} ms over ${evidence.requests} requests on new: too few for a p99`, threshold: `${threshold}, over ≥ ${step.minRequests} requests` };
  }
  const ok = evidence.newP99Ms <= evidence.legacyP99Ms + budget;
  return { name: 'latency-p99', outcome: ok ? 'pass' : 'fail', measured: `new ${evidence.newP99Ms.toFixed(1)} ms, legacy ${evidence.legacyP99Ms.toFixed(1)} ms`, threshold: `new p99 ≤ legacy p99 + ${budget} ms` };
}

const minutesOf = (ms: number): string => (ms / 60_000).toFixed(1);
const percent = (fraction: number): string => `${(fraction * 100).toFixed(2)}%`;
