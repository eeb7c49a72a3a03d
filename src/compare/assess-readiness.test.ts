import { describe, expect, it } from 'vitest';
import { assessReadiness, DEFAULT_READINESS_POLICY, wilsonUpperBound } from './assess-readiness.ts';
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
  acceptedMismatches: 0,
  differences: [],
  version: '',
  skipped: {},
  latency: { legacy: { count: 3900, p50: 20, p95: 60, p99: 90 }, new: { count: 3900, p50: 15, p95: 50, p99: 120 } },
  statusMatrix: { '2xx': { '2xx': 3890 }, '4xx': { '4xx': 10 } },
  ...overrides,
});

describe('assessReadiness', () => {
  it('is ready with 3,900 clean comparisons', () => {
    const readiness = assessReadiness(evidence(), DEFAULT_READINESS_POLICY);
    expect(readiness).toMatchObject({ outcome: 'ready', ready: true, reasons: [] });
    expect(readiness.mismatchUpperBound).toBeLessThan(0.001);
  });

  it('is inconclusive, not ready, with too few comparisons, saying how many it has and needs', () => {
    const readiness = assessReadiness(evidence({ compared: 12, matched: 12 }), DEFAULT_READINESS_POLICY);
    expect(readiness).toMatchObject({ outcome: 'inconclusive', ready: false });
    expect(readiness.reasons).toContain('12 comparisons, need 100');
  });

  it('is inconclusive when the only evidence is uncomparable', () => {
    const readiness = assessReadiness(evidence({ compared: 0, matched: 0, uncomparable: 400 }), DEFAULT_READINESS_POLICY);
    expect(readiness.outcome).toBe('inconclusive');
    expect(readiness.reasons).toEqual(['no comparable evidence: all 400 pairs were uncomparable, need 100 comparisons']);
    expect(readiness.mismatchUpperBound).toBeNull();
  });

  it('is inconclusive with no evidence at all: never ready by default', () => {
    const readiness = assessReadiness(evidence({ compared: 0, matched: 0, served: { legacy: 0, new: 0 }, statusMatrix: {} }), DEFAULT_READINESS_POLICY);
    expect(readiness).toMatchObject({ outcome: 'inconclusive', ready: false, reasons: ['0 comparisons, need 100'] });
  });

  it('does not count uncomparable pairs as evidence (compared already excludes them)', () => {
    const readiness = assessReadiness(evidence({ compared: 100, matched: 100, uncomparable: 50 }), { ...DEFAULT_READINESS_POLICY, maxMismatchRate: 0.05 });
    expect(readiness.outcome).toBe('ready');
    const few = assessReadiness(evidence({ compared: 60, matched: 60, uncomparable: 90 }), { ...DEFAULT_READINESS_POLICY, maxMismatchRate: 0.1 });
    expect(few.reasons).toEqual(['60 comparisons, need 100 (90 uncomparable not counted)']);
  });

  it('is inconclusive while the 95% upper bound is not below the maximum though the observed rate is, even with 0 mismatches', () => {
    const fewer = assessReadiness(evidence({ compared: 3000, matched: 3000 }), DEFAULT_READINESS_POLICY);
    expect(fewer.outcome).toBe('inconclusive');
    expect(fewer.reasons).toEqual(['0 unexpected mismatches in 3000 comparisons: the mismatch rate may be as high as 0.128% (95% upper bound), must be below 0.1%']);
  });

  it('is not ready when the observed rate of unexpected mismatches reaches the maximum', () => {
    const readiness = assessReadiness(evidence({ matched: 3880, mismatched: 20 }), DEFAULT_READINESS_POLICY);
    expect(readiness.outcome).toBe('not-ready');
    expect(readiness.reasons).toEqual(['20 unexpected mismatches in 3900 comparisons (0.513%), must be below 0.1%']);
  });

  it('counts a mismatch whose every difference is accepted as a match', () => {
    const differences = [{ kind: 'removed', pointer: '/birthDate', comparisons: 620, accepted: true }];
    const accepted = assessReadiness(evidence({ matched: 3280, mismatched: 620, acceptedMismatches: 620, differences }), DEFAULT_READINESS_POLICY);
    expect(accepted).toMatchObject({ outcome: 'ready', reasons: [] });
    const revoked = assessReadiness(evidence({ matched: 3280, mismatched: 620, acceptedMismatches: 0, differences: [{ ...differences[0]!, accepted: false }] }), DEFAULT_READINESS_POLICY);
    expect(revoked.outcome).toBe('not-ready');
    expect(revoked.reasons).toEqual([
      '620 unexpected mismatches in 3900 comparisons (15.9%), must be below 0.1%',
      '1 of 1 differences seen not accepted (removed /birthDate)',
    ]);
  });

  it('is not ready when the new side failed where legacy did not, even before the volume is there', () => {
    const readiness = assessReadiness(evidence({ compared: 40, matched: 40, statusMatrix: { '2xx': { '2xx': 36, '5xx': 3, timeout: 1 }, '5xx': { '5xx': 1 } } }), DEFAULT_READINESS_POLICY);
    expect(readiness.outcome).toBe('not-ready');
    expect(readiness.reasons).toEqual(['new failed (5xx, timeout or error) on 4 compared requests where legacy did not (legacy 2xx → new 5xx: 3; legacy 2xx → new timeout: 1)', '40 comparisons, need 100']);
  });

  it('is not ready when new p99 exceeds legacy p99 plus the budget, and ignores latency when a side is unknown', () => {
    const slow = evidence({ latency: { legacy: { count: 1, p50: 1, p95: 1, p99: 90 }, new: { count: 1, p50: 1, p95: 1, p99: 140.04 } } });
    expect(assessReadiness(slow, DEFAULT_READINESS_POLICY).reasons).toEqual(['new p99 140 ms exceeds legacy p99 90 ms + 50 ms budget']);
    const unknown = evidence({ latency: { legacy: { count: 0, p50: null, p95: null, p99: null }, new: { count: 1, p50: 1, p95: 1, p99: 900 } } });
    expect(assessReadiness(unknown, DEFAULT_READINESS_POLICY).ready).toBe(true);
  });

  it('is not ready while a difference seen in the judged evidence is not accepted, naming it', () => {
    const readiness = assessReadiness(evidence({ matched: 3899, mismatched: 1, acceptedMismatches: 0, differences: [
      { kind: 'changed', pointer: '/meta/lastUpdated', comparisons: 1, accepted: true },
      { kind: 'type', pointer: '/birthDate', comparisons: 1, accepted: false },
    ] }), DEFAULT_READINESS_POLICY);
    expect(readiness.outcome).toBe('not-ready');
    expect(readiness.reasons).toContain('1 of 2 differences seen not accepted (type /birthDate)');
  });

  it('names the judged version when the volume is short', () => {
    expect(assessReadiness(evidence({ compared: 3, matched: 3, version: '2.4.1' })).reasons).toEqual(['3 comparisons of version 2.4.1, need 100']);
  });
});

describe('wilsonUpperBound', () => {
  it('is null without trials and shrinks with clean evidence', () => {
    expect(wilsonUpperBound(0, 0)).toBeNull();
    expect(wilsonUpperBound(0, 100)!).toBeGreaterThan(wilsonUpperBound(0, 1000)!);
    expect(wilsonUpperBound(5, 100)).toBeCloseTo(0.1118, 3);
  });

  it('holds a route at zero tolerance for a fact category: one unaccepted dose difference is named, an accepted one or another category is not', () => {
    const policy = { ...DEFAULT_READINESS_POLICY, zero: ['dose', 'allergy'] };
    const dose = { kind: 'fact-missing', pointer: '/summary/@fact/dose', comparisons: 1, accepted: false };
    const held = assessReadiness(evidence({ matched: 3899, mismatched: 1, differences: [dose] }), policy);
    expect(held.outcome).toBe('not-ready');
    expect(held.reasons).toContain('zero tolerance for dose, allergy: 1 unaccepted fact difference in at least 1 comparison (fact-missing /summary/@fact/dose)');
    const accepted = assessReadiness(evidence({ matched: 3899, mismatched: 1, acceptedMismatches: 1, differences: [{ ...dose, accepted: true }] }), policy);
    expect(accepted.reasons.join(' ')).not.toMatch(/zero tolerance/);
    const date = assessReadiness(evidence({ matched: 3899, mismatched: 1, differences: [{ ...dose, pointer: '/summary/@fact/date' }] }), policy);
    expect(date.reasons.join(' ')).not.toMatch(/zero tolerance/);
  });

  it('zero tolerance counts each fact difference once, not one comparison per signature', () => {
    // Regression: one comparison missing a dose and an allergy was reported as 2 comparisons.
    const policy = { ...DEFAULT_READINESS_POLICY, zero: ['dose', 'allergy'] };
    const differences = [
      { kind: 'fact-missing', pointer: '/summary/@fact/dose', comparisons: 1, accepted: false },
      { kind: 'fact-missing', pointer: '/summary/@fact/allergy', comparisons: 1, accepted: false },
    ];
    const held = assessReadiness(evidence({ matched: 3899, mismatched: 1, differences }), policy);
    expect(held.reasons).toContain('zero tolerance for dose, allergy: 2 unaccepted fact differences in at least 1 comparison (fact-missing /summary/@fact/dose, fact-missing /summary/@fact/allergy)');
  });
});
