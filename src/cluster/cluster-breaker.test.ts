import { describe, expect, it } from 'vitest';
import type { BreakerTransition } from '../dispatch/breaker.ts';
import { createClusterBreaker } from './cluster-breaker.ts';

const trip = (route: string, from: 'closed' | 'half-open' = 'closed'): BreakerTransition => ({
  kind: 'trip', route, from, to: 'open', cause: from === 'closed' ? 'consecutive-failures' : 'probe-failed',
  requests: 5, errors: 5, rate: 1, windowMs: 30_000, errorRate: 0.5, minRequests: 20, consecutiveFailures: 5, openMs: 10_000,
});
const restore = (route: string): BreakerTransition => ({ kind: 'restore', route, from: 'half-open', to: 'closed', probes: 3, probesToClose: 3, openForMs: 12_000 });

describe('breakers of all workers seen from the primary', () => {
  it('reports one episode when two workers trip the same route before hearing of each other', () => {
    const breaker = createClusterBreaker({ routes: () => [] });
    expect(breaker.onTransition(trip('a'))).toEqual({ route: 'a', state: 'open' });
    expect(breaker.onTransition(trip('a'))).toBeUndefined();
    expect(breaker.state('a')).toBe('open');
  });

  it('treats a failed probe as news, so every worker restarts its open period', () => {
    const breaker = createClusterBreaker({ routes: () => [] });
    breaker.onTransition(trip('a'));
    expect(breaker.onTransition(trip('a', 'half-open'))).toEqual({ route: 'a', state: 'open' });
  });

  it('closes the route everywhere on the first restore, and ignores a second', () => {
    const breaker = createClusterBreaker({ routes: () => [] });
    breaker.onTransition(trip('a'));
    expect(breaker.commands()).toEqual([{ route: 'a', state: 'open' }]);
    expect(breaker.onTransition(restore('a'))).toEqual({ route: 'a', state: 'closed' });
    expect(breaker.onTransition(restore('a'))).toBeUndefined();
    expect(breaker.commands()).toEqual([]);
  });
});
