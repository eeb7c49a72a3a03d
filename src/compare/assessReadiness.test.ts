import { describe, expect, it } from 'vitest';
import { assessReadiness, DEFAULT_READINESS_POLICY, wilsonUpperBound } from './assessReadiness.ts';
import type { RouteEvidence } from './evidence.ts';

const evidence = (overrides: Partial<RouteEvidence> = {}): RouteEvidence => ({
  route: 'patient-read',
  since: '2026-05-01T00:00:00Z',
  served: { legacy: 3900, new: 0 },
  fallbacks: {},
  compared: 3900,
  matched: 3900,
  mismatched: 0,
  uncomparable: 0,
  skipped: {},
  latency: { legacy: { count: 3900, p50: 20, p95: 60, p99: 90 }, new: { count: 3900, p50: 15, p95: 50, p99: 120 } },
  statusMatrix: { '2xx': { '2xx': 3890 }, '4xx': { '4xx': 10 } },
  ...overrides,
});

describe('assessReadiness', () => {
  it('is ready with 3,900 clean comparisons', () => {
    const readiness = assessReadiness(evidence(), [{ kind: 'changed', pointer: '/meta/lastUpdated', accepted: true }], DEFAULT_READINESS_POLICY);
    expect(readiness).toMatchObject({ ready: true, reasons: [] });
    expect(readiness.mismatchUpperBound).toBeLessThan(0.001);
  });

  it('is not ready with too few comparisons, saying how many it has and needs', () => {
    const readiness = assessReadiness(evidence({ compared: 12, matched: 12 }), [], DEFAULT_READINESS_POLICY);
    expect(readiness.ready).toBe(false);
    expect(readiness.reasons).toContain('12 comparisons, need 100');
  });

  it('does not count uncomparable pairs as evidence', () => {
    const readiness = assessReadiness(evidence({ compared: 150, matched: 100, uncomparable: 50 }), [], { ...DEFAULT_READINESS_POLICY, maxMismatchRate: 0.05 });
    expect(readiness.reasons).toEqual([]);
    const few = assessReadiness(evidence({ compared: 150, matched: 60, uncomparable: 90 }), [], { ...DEFAULT_READINESS_POLICY, maxMismatchRate: 0.1 });
    expect(few.reasons).toEqual(['60 comparisons, need 100 (90 uncomparable not counted)']);
  });

  it('is not ready when the 95% upper bound of the mismatch rate is not below the maximum, even with 0 mismatches', () => {
    const fewer = assessReadiness(evidence({ compared: 3000, matched: 3000 }), [], DEFAULT_READINESS_POLICY);
    expect(fewer.reasons).toEqual(['0 mismatches in 3000 comparisons: the mismatch rate may be as high as 0.128% (95% upper bound), must be below 0.1%']);
  });

  it('is not ready when the new side failed where legacy did not', () => {
    const readiness = assessReadiness(evidence({ statusMatrix: { '2xx': { '2xx': 3895, '5xx': 3, timeout: 1 }, '5xx': { '5xx': 1 } } }), [], DEFAULT_READINESS_POLICY);
    expect(readiness.reasons).toEqual(['new failed (5xx, timeout or error) on 4 compared requests where legacy did not (legacy 2xx → new 5xx: 3; legacy 2xx → new timeout: 1)']);
  });

  it('is not ready when new p99 exceeds legacy p99 plus the budget, and ignores latency when a side is unknown', () => {
    const slow = evidence({ latency: { legacy: { count: 1, p50: 1, p95: 1, p99: 90 }, new: { count: 1, p50: 1, p95: 1, p99: 140.04 } } });
    expect(assessReadiness(slow, [], DEFAULT_READINESS_POLICY).reasons).toEqual(['new p99 140 ms exceeds legacy p99 90 ms + 50 ms budget']);
    const unknown = evidence({ latency: { legacy: { count: 0, p50: null, p95: null, p99: null }, new: { count: 1, p50: 1, p95: 1, p99: 900 } } });
    expect(assessReadiness(unknown, [], DEFAULT_READINESS_POLICY).ready).toBe(true);
  });

  it('is not ready while any recorded difference is not accepted', () => {
    const readiness = assessReadiness(evidence(), [
      { kind: 'changed', pointer: '/meta/lastUpdated', accepted: true },
      { kind: 'type', pointer: '/birthDate', accepted: false },
    ], DEFAULT_READINESS_POLICY);
    expect(readiness.reasons).toEqual(['1 of 2 recorded differences not accepted']);
  });
});

describe('wilsonUpperBound', () => {
  it('is null without trials and shrinks with clean evidence', () => {
    expect(wilsonUpperBound(0, 0)).toBeNull();
    expect(wilsonUpperBound(0, 100)!).toBeGreaterThan(wilsonUpperBound(0, 1000)!);
    expect(wilsonUpperBound(5, 100)).toBeCloseTo(0.1118, 3);
  });
});
