// Is a route ready to be served by the new service? Each rule that fails gives one reason with its
// numbers, so the CTO reads why, not just "no". The mismatch rule uses the Wilson score interval's
// upper bound rather than the observed rate: 0 mismatches in 200 comparisons is not evidence of a
// rate below 0.1% — at 95% confidence that needs about 3,900 clean comparisons.
import type { Readiness, ReadinessPolicy, RouteEvidence, StatusClass } from './evidence.ts';
import type { DifferenceKind } from './types.ts';

export const DEFAULT_READINESS_POLICY: ReadinessPolicy = Object.freeze({ minComparisons: 100, maxMismatchRate: 0.001, latencyBudgetMs: 50 });

export interface ReviewedDifference {
  readonly kind: DifferenceKind;
  readonly pointer: string;
  readonly accepted: boolean;
}

const Z_95 = 1.959963984540054;
const FAILED: ReadonlySet<StatusClass> = new Set(['5xx', 'timeout', 'error']);

/** Upper bound of the Wilson score interval (two-sided 95%) for failures out of trials; null when trials is 0. */
export function wilsonUpperBound(failures: number, trials: number, z = Z_95): number | null {
  if (trials <= 0) return null;
  const p = failures / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const margin = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return Math.min(1, (centre + margin) / (1 + z2 / trials));
}

export function assessReadiness(evidence: RouteEvidence, differences: readonly ReviewedDifference[], policy: ReadinessPolicy = DEFAULT_READINESS_POLICY): Readiness {
  // An uncomparable pair (truncated, undecodable) says nothing about equality: not counted as evidence.
  const judged = Math.max(0, evidence.compared - evidence.uncomparable);
  const upper = wilsonUpperBound(evidence.mismatched, judged);
  const reasons = [
    checkVolume(evidence, judged, policy),
    checkMismatchRate(evidence.mismatched, judged, upper, policy),
    checkNewFailures(evidence),
    checkLatency(evidence, policy),
    checkDifferences(differences),
  ].filter((reason): reason is string => reason !== null);
  return Object.freeze({ ready: reasons.length === 0, reasons: Object.freeze(reasons), mismatchUpperBound: upper });
}

function checkVolume(evidence: RouteEvidence, judged: number, policy: ReadinessPolicy): string | null {
  if (judged >= policy.minComparisons) return null;
  const excluded = evidence.compared - judged;
  return `${judged} comparisons, need ${policy.minComparisons}` + (excluded > 0 ? ` (${excluded} uncomparable not counted)` : '');
}

function checkMismatchRate(mismatched: number, judged: number, upper: number | null, policy: ReadinessPolicy): string | null {
  if (upper === null) return `no comparisons, so the mismatch rate is unknown (must be below ${percent(policy.maxMismatchRate)})`;
  if (upper < policy.maxMismatchRate) return null;
  return `${mismatched} mismatches in ${judged} comparisons: the mismatch rate may be as high as ${percent(upper)} (95% upper bound), must be below ${percent(policy.maxMismatchRate)}`;
}

function checkNewFailures(evidence: RouteEvidence): string | null {
  const cells: string[] = [];
  let total = 0;
  for (const [legacy, row] of Object.entries(evidence.statusMatrix)) {
    if (FAILED.has(legacy as StatusClass) || !row) continue;
    for (const [candidate, count] of Object.entries(row)) {
      if (!FAILED.has(candidate as StatusClass) || !count) continue;
      total += count;
      cells.push(`legacy ${legacy} → new ${candidate}: ${count}`);
    }
  }
  return total === 0 ? null : `new failed (5xx, timeout or error) on ${total} compared requests where legacy did not (${cells.join('; ')})`;
}

function checkLatency(evidence: RouteEvidence, policy: ReadinessPolicy): string | null {
  const legacy = evidence.latency.legacy.p99;
  const candidate = evidence.latency.new.p99;
  if (legacy === null || candidate === null || candidate <= legacy + policy.latencyBudgetMs) return null;
  return `new p99 ${round(candidate)} ms exceeds legacy p99 ${round(legacy)} ms + ${policy.latencyBudgetMs} ms budget`;
}

function checkDifferences(differences: readonly ReviewedDifference[]): string | null {
  const open = differences.filter((difference) => !difference.accepted).length;
  return open === 0 ? null : `${open} of ${differences.length} recorded differences not accepted`;
}

function percent(rate: number): string {
  return `${Number((rate * 100).toPrecision(3))}%`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
