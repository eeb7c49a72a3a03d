// Both figures a CTO signs off on, in one line: the exact match rate, and the rate once accepted
// differences count as expected — "96.8% exact · 100% with 2 accepted differences".
import type { RouteEvidence } from '../compare/evidence.ts';

export interface MatchFigures {
  /** matched / compared; null with no comparisons. */
  readonly matchRate: number | null;
  /** (matched + mismatches whose differences are all accepted) / compared. */
  readonly matchRateWithAccepted: number | null;
  /** Accepted difference signatures seen in the judged evidence. */
  readonly acceptedDifferences: number;
  readonly matchSummary: string;
}

export function describeMatch(evidence: RouteEvidence): MatchFigures {
  const { compared } = evidence;
  const matchRate = compared > 0 ? evidence.matched / compared : null;
  const matchRateWithAccepted = compared > 0 ? (evidence.matched + evidence.acceptedMismatches) / compared : null;
  const acceptedDifferences = evidence.differences.filter((d) => d.accepted).length;
  let matchSummary = 'no comparisons';
  if (matchRate !== null) {
    matchSummary = `${formatPercent(matchRate)} exact`;
    if (acceptedDifferences > 0) {
      matchSummary += ` · ${formatPercent(matchRateWithAccepted!)} with ${acceptedDifferences} accepted difference${acceptedDifferences === 1 ? '' : 's'}`;
    }
  }
  return { matchRate, matchRateWithAccepted, acceptedDifferences, matchSummary };
}

/** One decimal, never rounded up to 100% (99.96% reads 99.9%, not 100%: the CTO must see a gap). */
export function formatPercent(rate: number): string {
  if (rate >= 1) return '100%';
  return `${(Math.floor(rate * 1000) / 10).toFixed(1)}%`;
}
