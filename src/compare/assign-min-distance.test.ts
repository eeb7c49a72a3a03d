import { describe, expect, it } from 'vitest';
import { assignMinDistance, type LeftoverElement } from './assign-min-distance.ts';

const elements = (n: number, offset = 0): LeftoverElement[] => Array.from({ length: n }, (_, i) => ({ index: i + offset, features: [], sortKey: String(i) }));

describe('assignMinDistance', () => {
  it('finds the minimum total, where taking the cheapest pair first would not', () => {
    // Greedy takes (0,0)=1 and is left with (1,1)=10: total 11. The optimum is (0,1)+(1,0) = 2+2.
    const costs = [[1, 2], [2, 10]];
    expect(assignMinDistance(elements(2), elements(2), (i, j) => costs[i]![j]!).sort()).toEqual([[0, 1], [1, 0]]);
  });

  it('leaves out pairs that must never be made, on either side of a rectangular problem', () => {
    const costs = [[Infinity, 0, Infinity], [Infinity, Infinity, Infinity]];
    expect(assignMinDistance(elements(2), elements(3), (i, j) => costs[i]![j]!)).toEqual([[0, 1]]);
    expect(assignMinDistance(elements(3), elements(2), (i, j) => costs[j]![i]!)).toEqual([[1, 0]]);
  });

  it('pairs large problems through shared rare features, with a bounded number of distance calls', () => {
    const n = 2_000;
    const side = (offset: number): LeftoverElement[] => Array.from({ length: n }, (_, i) => ({ index: i, features: [`id=${(i + offset) % n}`, 'status=active'], sortKey: `k${(i + offset) % n}` }));
    let calls = 0;
    const control = side(0);
    const candidate = side(17); // candidate j holds the element control (j + 17) % n holds
    const pairs = assignMinDistance(control, candidate, (i, j) => {
      calls++;
      return (j + 17) % n === i ? 1 : 5;
    });
    expect(pairs).toHaveLength(n);
    expect(pairs.every(([i, j]) => (j + 17) % n === i)).toBe(true);
    expect(calls).toBeLessThan(n * 20);
  });
});
