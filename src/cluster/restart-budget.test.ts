import { describe, expect, it } from 'vitest';
import { createRestartBudget } from './restart-budget.ts';

describe('restart budget', () => {
  it('restarts up to max times within the window, then gives the slot up', () => {
    const budget = createRestartBudget({ max: 3, windowMs: 60_000 });
    expect([0, 1_000, 2_000].map((t) => budget.onExit(t).restart)).toEqual([true, true, true]);
    expect(budget.onExit(3_000)).toEqual({ restart: false, restartsInWindow: 3 });
  });

  it('forgets restarts older than the window, so a worker dying once an hour is always replaced', () => {
    const budget = createRestartBudget({ max: 2, windowMs: 60_000 });
    for (let hour = 0; hour < 10; hour++) expect(budget.onExit(hour * 3_600_000).restart).toBe(true);
  });
});
