import { describe, expect, it } from 'vitest';
import type { RouteEvidence } from '../compare/evidence.ts';
import { describeMatch, formatPercent } from './describe-match.ts';

const evidence = (overrides: Partial<RouteEvidence>): RouteEvidence => ({
  route: 'patient-read', since: '', served: { legacy: 0, new: 0 }, fallbacks: {}, compared: 0, matched: 0, mismatched: 0, uncomparable: 0,
  acceptedMismatches: 0, differences: [], version: '', skipped: {},
  latency: { legacy: { count: 0, p50: null, p95: null, p99: null }, new: { count: 0, p50: null, p95: null, p99: null } }, statusMatrix: {},
  ...overrides,
});

describe('describeMatch', () => {
  it('shows both figures when differences are accepted', () => {
    const figures = describeMatch(evidence({ compared: 1000, matched: 968, mismatched: 32, acceptedMismatches: 32, differences: [
      { kind: 'removed', pointer: '/birthDate', comparisons: 30, accepted: true },
      { kind: 'removed', pointer: '/name/*/text', comparisons: 2, accepted: true },
    ] }));
    expect(figures).toEqual({ matchRate: 0.968, matchRateWithAccepted: 1, acceptedDifferences: 2, matchSummary: '96.8% exact · 100% with 2 accepted differences' });
  });

  it('shows the exact figure alone when nothing is accepted, and says when there is nothing to show', () => {
    expect(describeMatch(evidence({ compared: 10, matched: 9, mismatched: 1 })).matchSummary).toBe('90.0% exact');
    expect(describeMatch(evidence({})).matchSummary).toBe('no comparisons');
  });

  it('never rounds a gap up to 100%', () => {
    expect(formatPercent(0.99996)).toBe('99.9%');
    expect(formatPercent(1)).toBe('100%');
  });
});
