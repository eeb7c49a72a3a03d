// The breaker as a pure state machine, driven by an injected clock and an injected random source.
import { describe, expect, it } from 'vitest';
import { routeSchema, type BreakerSpec } from '../config/route-schema.ts';
import { createBreaker, type BreakerTransition } from './breaker.ts';
import { compileRouteTable, type CompiledRoute } from '../routing/route-table.ts';
import { mulberry32 } from '../shared/mulberry32.ts';

function routeWith(breaker: Partial<BreakerSpec>, id = 'patients'): CompiledRoute {
  const spec = routeSchema.parse({ id, match: { path: '/fhir/Patient/:id' }, new: 'next', flag: `ficus.${id}`, breaker });
  return compileRouteTable([{ ...spec, source: { file: 'test.yaml', line: 1 } }]).routes[0]!;
}

function setup(breaker: Partial<BreakerSpec>, randoms: number[] = []) {
  const route = routeWith({ windowMs: 10_000, minRequests: 4, errorRate: 0.5, openMs: 5_000, probeRate: 0.25, probesToClose: 2, ...breaker });
  let clock = 1_000_000;
  const transitions: BreakerTransition[] = [];
  const b = createBreaker({
    routes: () => [route.config],
    now: () => clock,
    random: () => randoms.shift() ?? 0,
    onTransition: (t) => transitions.push(t),
  });
  return { b, route, transitions, advance: (ms: number) => (clock += ms) };
}

describe('circuit breaker', () => {
  it('stays closed below minRequests even when every request failed', () => {
    const { b, route, transitions } = setup({});
    for (let i = 0; i < 3; i++) b.record(route, false);
    expect(b.state('patients')).toBe('closed');
    expect(b.allowNew(route)).toBe(true);
    expect(transitions).toEqual([]);
  });

  it('trips when the error rate over the window reaches the threshold, reporting the numbers', () => {
    const { b, route, transitions } = setup({});
    b.record(route, true);
    b.record(route, true);
    b.record(route, false);
    expect(b.state('patients')).toBe('closed');
    b.record(route, false);
    expect(b.state('patients')).toBe('open');
    expect(b.allowNew(route)).toBe(false);
    expect(transitions).toEqual([
      expect.objectContaining({ kind: 'trip', route: 'patients', cause: 'threshold', requests: 4, errors: 2, rate: 0.5, windowMs: 10_000, errorRate: 0.5, minRequests: 4 }),
    ]);
    expect(b.states()).toEqual({ patients: 'open' });
  });

  it('trips on five failures in a row with the default spec, long before the window has minRequests', () => {
    const route = routeWith({});
    const transitions: BreakerTransition[] = [];
    const b = createBreaker({ routes: () => [route.config], now: () => 1_000_000, random: () => 0, onTransition: (t) => transitions.push(t) });
    for (let i = 0; i < 4; i++) b.record(route, false);
    expect(b.state('patients')).toBe('closed');
    b.record(route, false);
    expect(b.state('patients')).toBe('open');
    expect(transitions).toEqual([expect.objectContaining({ kind: 'trip', cause: 'consecutive-failures', consecutiveFailures: 5, requests: 5, errors: 5, minRequests: 20 })]);
  });

  it('restarts the run of failures at every success', () => {
    // errorRate 0.3: nine requests with a run of three are beyond chance (9·0.3³ < 1), see the flapping tests below.
    const { b, route } = setup({ minRequests: 100, consecutiveFailures: 3, errorRate: 0.3 });
    for (const ok of [false, false, true, false, false, true, false, false]) b.record(route, ok);
    expect(b.state('patients')).toBe('closed');
    b.record(route, false);
    expect(b.state('patients')).toBe('open');
  });

  // A run of five failures at 1,000 req/s and a 20% error rate (below the 50% threshold) happens by
  // chance every few seconds; counting it as an outage flapped the breaker on a service that was
  // degraded but within its budget.
  it('does not flap on chance runs of failures below the threshold at high traffic (default spec)', () => {
    const route = routeWith({});
    const transitions: BreakerTransition[] = [];
    let clock = 1_000_000;
    const b = createBreaker({ routes: () => [route.config], now: () => clock, random: () => 0, onTransition: (t) => transitions.push(t) });
    const random = mulberry32(42); // the same sequence every run
    let longestRun = 0;
    let run = 0;
    for (let i = 0; i < 60_000; i++) {
      clock += 1; // 1,000 req/s for a minute
      const ok = random() >= 0.2;
      run = ok ? 0 : run + 1;
      longestRun = Math.max(longestRun, run);
      b.record(route, ok);
    }
    expect(longestRun).toBeGreaterThanOrEqual(5); // the runs that used to trip it did happen
    expect(transitions).toEqual([]);
    expect(b.state('patients')).toBe('closed');
  });

  it('still trips a total outage at high traffic within a few dozen milliseconds of failures', () => {
    const route = routeWith({});
    const transitions: BreakerTransition[] = [];
    let clock = 1_000_000;
    const b = createBreaker({ routes: () => [route.config], now: () => clock, random: () => 0, onTransition: (t) => transitions.push(t) });
    for (let i = 0; i < 30_000; i++) {
      clock += 1;
      b.record(route, true);
    }
    let failures = 0;
    while (b.state('patients') === 'closed' && failures < 1_000) {
      clock += 1;
      b.record(route, false);
      failures++;
    }
    // 30,000 requests in the window at a 50% threshold: a run of 15 is beyond chance (30,015·0.5¹⁵ < 1).
    expect(failures).toBe(15);
    expect(transitions).toEqual([expect.objectContaining({ kind: 'trip', cause: 'consecutive-failures', errors: 15 })]);
  });

  it('never trips on a run of failures when consecutiveFailures is 0', () => {
    const { b, route } = setup({ minRequests: 100, consecutiveFailures: 0 });
    for (let i = 0; i < 50; i++) b.record(route, false);
    expect(b.state('patients')).toBe('closed');
  });

  it('forgets outcomes older than the window', () => {
    const { b, route, advance } = setup({});
    b.record(route, false);
    b.record(route, false);
    b.record(route, false);
    advance(10_001);
    b.record(route, false);
    expect(b.state('patients')).toBe('closed');
  });

  it('keeps the route on legacy until openMs has passed, then lets only a sampled trickle of probes through', () => {
    const { b, route, advance } = setup({}, [0.9, 0.1]);
    for (let i = 0; i < 4; i++) b.record(route, false);
    advance(4_999);
    expect(b.allowNew(route)).toBe(false);
    advance(1);
    expect(b.allowNew(route)).toBe(false); // random 0.9 ≥ probeRate 0.25: served by legacy
    expect(b.state('patients')).toBe('half-open');
    expect(b.allowNew(route)).toBe(true); // random 0.1 < 0.25: a probe
  });

  it('restores after probesToClose consecutive successful probes', () => {
    const { b, route, transitions, advance } = setup({});
    for (let i = 0; i < 4; i++) b.record(route, false);
    advance(5_000);
    expect(b.allowNew(route)).toBe(true);
    b.record(route, true);
    expect(b.state('patients')).toBe('half-open');
    expect(b.allowNew(route)).toBe(true);
    b.record(route, true);
    expect(b.state('patients')).toBe('closed');
    expect(transitions.map((t) => t.kind)).toEqual(['trip', 'restore']);
    expect(transitions[1]).toEqual(expect.objectContaining({ kind: 'restore', probes: 2, probesToClose: 2, openForMs: 5_000 }));
  });

  it('re-opens on a failed probe and waits openMs again', () => {
    const { b, route, transitions, advance } = setup({});
    for (let i = 0; i < 4; i++) b.record(route, false);
    advance(5_000);
    b.allowNew(route);
    b.record(route, true);
    b.record(route, false);
    expect(b.state('patients')).toBe('open');
    expect(transitions[1]).toEqual(expect.objectContaining({ kind: 'trip', from: 'half-open', cause: 'probe-failed' }));
    advance(4_999);
    expect(b.allowNew(route)).toBe(false);
  });

  it('starts a fresh window after a restore (old failures do not re-trip it)', () => {
    const { b, route, advance } = setup({});
    for (let i = 0; i < 4; i++) b.record(route, false);
    advance(5_000);
    b.allowNew(route);
    b.record(route, true);
    b.record(route, true);
    b.record(route, false);
    expect(b.state('patients')).toBe('closed');
  });

  it('ignores outcomes of requests sent before the trip', () => {
    const { b, route, transitions } = setup({});
    for (let i = 0; i < 4; i++) b.record(route, false);
    b.record(route, false);
    b.record(route, true);
    expect(transitions).toHaveLength(1);
  });

  it('does nothing for a route with the breaker disabled', () => {
    const { b, route, transitions } = setup({ enabled: false });
    for (let i = 0; i < 50; i++) b.record(route, false);
    expect(b.allowNew(route)).toBe(true);
    expect(transitions).toEqual([]);
  });

  it('keeps routes independent', () => {
    const { b, route } = setup({});
    const other = routeWith({ minRequests: 4 }, 'meds');
    for (let i = 0; i < 4; i++) b.record(route, false);
    expect(b.allowNew(other)).toBe(true);
    expect(b.state('meds')).toBe('closed');
  });

  it('adopts a trip decided in another worker silently, and probes again after its own open period', () => {
    const { b, route, transitions, advance } = setup({}, [0]);
    b.adopt('patients', 'open');
    expect(b.state('patients')).toBe('open');
    expect(b.allowNew(route)).toBe(false);
    advance(5_000);
    expect(b.allowNew(route)).toBe(true); // half-open: a probe (random 0 < probeRate)
    expect(transitions).toEqual([]);
  });

  it('adopts a restore decided in another worker: closed, with a fresh window', () => {
    const { b, route, transitions } = setup({});
    for (let i = 0; i < 4; i++) b.record(route, false);
    expect(b.state('patients')).toBe('open');
    b.adopt('patients', 'closed');
    expect(b.allowNew(route)).toBe(true);
    b.record(route, false);
    expect(b.state('patients')).toBe('closed');
    expect(transitions).toHaveLength(1);
  });
});

