import { describe, expect, it } from 'vitest';
import { createLogLimiter } from './log-limiter.ts';

describe('log limiter', () => {
  it('writes the first line of a key, holds the rest back for the interval, then says how many it held', () => {
    let now = 0;
    const lines: [string, number][] = [];
    const limiter = createLogLimiter({ nowMs: () => now, everyMs: 1_000 });
    for (let i = 0; i < 5; i++) limiter.attempt('store-down', (s) => lines.push(['store-down', s]));
    limiter.attempt('bad-request', (s) => lines.push(['bad-request', s]));
    now = 1_000;
    limiter.attempt('store-down', (s) => lines.push(['store-down', s]));
    limiter.attempt('store-down', (s) => lines.push(['store-down', s]));
    expect(lines).toEqual([['store-down', 0], ['bad-request', 0], ['store-down', 4]]);
  });

  it('remembers at most maxKeys keys and writes unknown keys past the cap every time, never growing', () => {
    const lines: string[] = [];
    const limiter = createLogLimiter({ nowMs: () => 0, maxKeys: 2 });
    for (const key of ['a', 'b', 'c', 'c', 'a']) limiter.attempt(key, () => lines.push(key));
    expect(lines).toEqual(['a', 'b', 'c', 'c']);
  });
});
