// Regression: arrays without a policy nested in arrays without a policy. Aligning each array costs
// candidate alignments by probe walks; when probes aligned the nested arrays too, the work grew by
// a factor at every level (a 12 KB body took 2 s on the event loop, a 57 KB one 38 s). Measured
// here by element reads, not by time: probes must cost nested arrays by position.
import { describe, expect, it } from 'vitest';
import { compileCompareRules } from './compile-compare-rules.ts';
import { diffJson } from './diff-json.ts';

function counted(depth: number, width: number, salt: string, reads: { n: number }): unknown {
  if (depth === 0) return `${salt}-leaf`;
  const items = Array.from({ length: width }, (_, i) => counted(depth - 1, width, `${salt}${i}`, reads));
  return new Proxy(items, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads.n += 1;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

describe('arrays nested without a policy', () => {
  it('a pair of 5-deep nested arrays, every leaf different, is compared with work proportional to its size', async () => {
    const rules = await compileCompareRules({}, { baseDir: '.' });
    const reads = { n: 0 };
    const control = counted(5, 5, 'a', reads);
    const candidate = counted(5, 5, 'b', reads);
    const differences = diffJson(control, candidate, rules.root);
    expect(differences).toHaveLength(3125); // one changed leaf per position, found
    // 2 × 3,905 elements; before the fix this read each element tens of thousands of times.
    expect(reads.n).toBeLessThan(2 * 3905 * 40);
  });
});
