import { afterAll, describe, expect, it } from 'vitest';
import { createBreaker } from '../breaker.ts';
import type { CompiledRoute } from '../../routing/route-table.ts';
import { decideMode } from './decide-mode.ts';
import { divertOnOpenBreaker } from './divert-on-open-breaker.ts';
import { closeEdgeState, edgeState, flagsFor, handlerDeps, request, requestExchange, routeConfig } from './exchange.test-kit.ts';
import { match } from './match.ts';

const route = routeConfig({ id: 'patient-read', match: { path: '/fhir/Patient/:id' } });
const state = edgeState([route]);
afterAll(() => closeEdgeState(state));

function breaker() {
  return createBreaker({ routes: () => [route], now: () => 1_000, random: () => 0.99, onTransition: () => {} });
}

function throughBreaker(deps: ReturnType<typeof handlerDeps>) {
  const exchange = requestExchange(request('GET', '/fhir/Patient/p1'), deps);
  match(exchange, deps);
  decideMode(exchange, deps);
  expect(divertOnOpenBreaker(exchange, deps)).toBe('next');
  return exchange;
}

describe('divertOnOpenBreaker pass', () => {
  it('sends a request decided for new to legacy while the breaker is open, and says why', () => {
    const open = breaker();
    for (let i = 0; i < 20; i++) open.record(state.table.routes[0]!, false);
    expect(open.state('patient-read')).toBe('open');
    const exchange = throughBreaker(handlerDeps(state, { flags: flagsFor({ 'patient-read': 'new' }), breaker: open }));
    expect(exchange).toMatchObject({ side: 'legacy', upstream: state.upstreams.get('legacy'), diverted: 'breaker-open' });
    // The decision stays the flag's: mode new, variant new — only who serves changed.
    expect(exchange.decision).toMatchObject({ mode: 'new', serve: 'legacy', reason: 'flag' });
  });

  it('leaves a request decided for new on new while the breaker is closed', () => {
    const exchange = throughBreaker(handlerDeps(state, { flags: flagsFor({ 'patient-read': 'new' }), breaker: breaker() }));
    expect(exchange).toMatchObject({ side: 'new', upstream: state.upstreams.get('new-service'), diverted: undefined });
  });

  it('never asks the breaker about a request legacy serves (a half-open breaker counts what it lets through)', () => {
    const asked: CompiledRoute[] = [];
    const exchange = throughBreaker(handlerDeps(state, { flags: flagsFor({ 'patient-read': 'shadow' }), breaker: { allowNew: (r) => (asked.push(r), false), record: () => {} } }));
    expect(asked).toEqual([]);
    expect(exchange.diverted).toBeUndefined();
  });
});
