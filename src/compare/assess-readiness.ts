// Is a route ready to be served by the new service? Three outcomes, never ready by default:
// `not-ready` when something wrong was seen (each failed rule gives one reason with its numbers),
// `inconclusive` when nothing wrong was seen but the evidence cannot yet prove the route good, and
// `ready` only when it can. The mismatch rule uses the Wilson score interval's upper bound rather
// than the observed rate: 0 mismatches in 200 comparisons is not evidence of a rate below 0.1% —
// at 95% confidence that needs about 3,900 clean comparisons. A mismatch whose every difference is
// accepted counts as a match: accepting says "this difference is expected".
import type { Readiness, ReadinessOutcome, ReadinessPolicy, RouteEvidence } from './evidence.ts';
import type { StatusClass } from '../shared/words.ts';

export const DEFAULT_READINESS_POLICY: ReadinessPolicy = Object.freeze({ minComparisons: 100, maxMismatchRate: 0.001, latencyBudgetMs: 50 });

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

export function assessReadiness(evidence: RouteEvidence, policy: ReadinessPolicy = DEFAULT_READINESS_POLICY): Readiness {
  // `compared` is matched + mismatched: uncomparable pairs (truncated, undecodable, failed) are
  // kept apart by the store, so they never count as evidence of equality.
  const judged = evidence.compared;
  const unexpected = Math.max(0, evidence.mismatched - evidence.acceptedMismatches);
  const upper = wilsonUpperBound(unexpected, judged);
  const failures = [
    checkMismatchRate(unexpected, judged, policy),
    checkNewFailures(evidence),
    checkLatency(evidence, policy),
    checkZeroTolerance(evidence, policy),
    checkOpenDifferences(evidence),
  ].filter((reason): reason is string => reason !== null);
  // Short of volume, the volume is the one thing to say: the bound cannot pass yet anyway.
  const pending = [checkVolume(evidence, policy) ?? checkProof(unexpected, judged, upper, policy)].filter((reason): reason is string => reason !== null);
  const outcome: ReadinessOutcome = failures.length > 0 ? 'not-ready' : pending.length > 0 ? 'inconclusive' : 'ready';
  const reasons = outcome === 'not-ready' ? [...failures, ...pending] : pending;
  return Object.freeze({ outcome, ready: outcome === 'ready', reasons: Object.freeze(reasons), mismatchUpperBound: upper });
}

function checkVolume(evidence: RouteEvidence, policy: ReadinessPolicy): string | null {
  const judged = evidence.compared;
  if (judged >= policy.minComparisons) return null;
  const version = evidence.version ? ` of version ${evidence.version}` : '';
  if (judged === 0 && evidence.uncomparable > 0) return `no comparable evidence${version}: all ${evidence.uncomparable} pairs were uncomparable, need ${policy.minComparisons} comparisons`;
  return `${judged} comparisons${version}, need ${policy.minComparisons}` + (evidence.uncomparable > 0 ? ` (${evidence.uncomparable} uncomparable not counted)` : '');
}

/** Seen wrong: the observed rate of unexpected mismatches already reaches the maximum. */
function checkMismatchRate(unexpected: number, judged: number, policy: ReadinessPolicy): string | null {
  if (judged === 0 || unexpected === 0 || unexpected / judged < policy.maxMismatchRate) return null;
  return `${mismatches(unexpected)} in ${judged} comparisons (${percent(unexpected / judged)}), must be below ${percent(policy.maxMismatchRate)}`;
}

/** Not proven good: the observed rate is below the maximum, but its 95% upper bound is not yet. */
function checkProof(unexpected: number, judged: number, upper: number | null, policy: ReadinessPolicy): string | null {
  if (upper === null || upper < policy.maxMismatchRate) return null;
  if (unexpected / judged >= policy.maxMismatchRate) return null; // already a failure, said once
  return `${mismatches(unexpected)} in ${judged} comparisons: the mismatch rate may be as high as ${percent(upper)} (95% upper bound), must be below ${percent(policy.maxMismatchRate)}`;
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

/**
 * `readiness.zero`: a category a clinician cannot tolerate one wrong fact in (a dose, an allergy).
 * Said apart from the open differences, and counted in comparisons rather than rates: one is too
 * many whatever the volume.
 */
function checkZeroTolerance(evidence: RouteEvidence, policy: ReadinessPolicy): string | null {
  if (!policy.zero?.length) return null;
  const zero = new Set(policy.zero);
  const open = evidence.differences.filter((d) => !d.accepted && d.kind.startsWith('fact-') && zero.has(factCategoryOf(d.pointer)));
  if (open.length === 0) return null;
  // Each signature counts the comparisons that carried it, and one comparison may carry several
  // (a dose missing and an allergy missing): their sum counts fact differences, once each; the
  // comparisons are at least the most any one signature was seen in.
  const differences = open.reduce((sum, d) => sum + d.comparisons, 0);
  const comparisons = Math.max(...open.map((d) => d.comparisons));
  const named = [...new Set(open.map((d) => `${d.kind} ${d.pointer}`))].slice(0, 3).join(', ');
  return `zero tolerance for ${[...zero].join(', ')}: ${differences} unaccepted fact difference${differences === 1 ? '' : 's'} in at least ${comparisons} comparison${comparisons === 1 ? '' : 's'} (${named})`;
}

/** The category of a fact pointer (…/@fact/<category>); '' for any other pointer. */
function factCategoryOf(pointer: string): string {
  const at = pointer.lastIndexOf('/@fact/');
  return at < 0 ? '' : pointer.slice(at + '/@fact/'.length);
}

function checkOpenDifferences(evidence: RouteEvidence): string | null {
  const open = evidence.differences.filter((difference) => !difference.accepted);
  if (open.length === 0) return null;
  const named = open.slice(0, 3).map((d) => `${d.kind} ${d.pointer || '(body)'}`).join(', ');
  return `${open.length} of ${evidence.differences.length} differences seen not accepted (${named}${open.length > 3 ? ', …' : ''})`;
}

function mismatches(count: number): string {
  return `${count} unexpected mismatch${count === 1 ? '' : 'es'}`;
}

function percent(rate: number): string {
  return `${Number((rate * 100).toPrecision(3))}%`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
