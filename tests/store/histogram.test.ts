import { describe, expect, it } from 'vitest';
import {
  createHistogram, HISTOGRAM_RELATIVE_ERROR, mergeHistogram, parseHistogram, percentile, recordLatency, serializeHistogram,
} from '../../src/store/index.ts';
import { seededRandom } from '../support/store/engines.ts';

function exactPercentile(sorted: readonly number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

describe('histogram', () => {
  it('reports percentiles within its relative error of the exact samples', () => {
    const random = seededRandom(7);
    const samples = Array.from({ length: 5000 }, () => 0.05 + -Math.log(1 - random()) * 40);
    const h = createHistogram();
    for (const s of samples) recordLatency(h, s);
    const sorted = [...samples].sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
      const exact = exactPercentile(sorted, q);
      expect(Math.abs(percentile(h, q)! - exact) / exact).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR + 1e-9);
    }
  });

  it('merges by addition, equal to one histogram over all samples', () => {
    const a = createHistogram();
    const b = createHistogram();
    const all = createHistogram();
    for (let i = 1; i <= 1000; i++) {
      recordLatency(i % 3 ? a : b, i / 10);
      recordLatency(all, i / 10);
    }
    const merged = mergeHistogram(mergeHistogram(createHistogram(), a), b);
    expect(serializeHistogram(merged)).toBe(serializeHistogram(all));
    expect(merged.count).toBe(1000);
  });

  it('round-trips through its compact JSON', () => {
    const h = createHistogram();
    for (const v of [0, 0.0005, 1, 1, 2.5, 250, 119_000, 500_000]) recordLatency(h, v);
    const json = serializeHistogram(h);
    expect(JSON.parse(json)).toBeTypeOf('object');
    const back = parseHistogram(json);
    expect(back.count).toBe(8);
    expect(serializeHistogram(back)).toBe(json);
  });

  it('clamps values beyond 120 s and below zero instead of failing', () => {
    const h = createHistogram();
    recordLatency(h, -5);
    recordLatency(h, Number.NaN);
    recordLatency(h, 10 * 60_000);
    expect(h.count).toBe(3);
    expect(percentile(h, 1)!).toBeGreaterThan(117_000);
    expect(percentile(h, 1)!).toBeLessThanOrEqual(120_000 * (1 + HISTOGRAM_RELATIVE_ERROR));
    expect(percentile(h, 0.1)!).toBeLessThan(0.001);
  });

  it('has no percentile when empty', () => {
    expect(percentile(createHistogram(), 0.99)).toBeNull();
  });
});
