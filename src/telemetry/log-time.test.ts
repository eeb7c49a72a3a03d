import { describe, expect, it } from 'vitest';
import { isoTimeCached } from './log-time.ts';

describe('isoTimeCached', () => {
  it('writes the same ISO time as Date#toISOString, across seconds and millisecond paddings', () => {
    const base = Date.UTC(2026, 10, 23, 23, 59, 58);
    for (const offset of [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 1999, 2000, 86_400_123]) {
      const at = base + offset;
      expect(isoTimeCached(at)).toBe(`,"time":"${new Date(at).toISOString()}"`);
    }
  });
});
