import { afterAll, describe, expect, it } from 'vitest';
import { decideMode } from './decide-mode.ts';
import { closeEdgeState, edgeState, flagsFor, handlerDeps, request, requestExchange, routeConfig } from './exchange.test-kit.ts';
import { match } from './match.ts';

const state = edgeState([
  routeConfig({ id: 'patient-read', match: { path: '/fhir/Patient/:id' }, stickiness: { path: 'id' } }),
  routeConfig({ id: 'obs-search', match: { path: '/fhir/Observation' }, stickiness: { query: 'patient' } }),
]);
afterAll(() => closeEdgeState(state));

function decided(target: string, deps: ReturnType<typeof handlerDeps>) {
  const exchange = requestExchange(request('GET', target), deps);
  match(exchange, deps);
  expect(decideMode(exchange, deps)).toBe('next');
  return exchange;
}

describe('decideMode pass', () => {
  it('serves a route in mode new from the route\'s new upstream', () => {
    const exchange = decided('/fhir/Patient/p1', handlerDeps(state, { flags: flagsFor({ 'patient-read': 'new' }) }));
    expect(exchange.decision).toMatchObject({ mode: 'new', serve: 'new', reason: 'flag' });
    expect(exchange.side).toBe('new');
    expect(exchange.upstream).toBe(state.upstreams.get('new-service'));
  });

  it('keeps a shadowed route served by legacy, with the shadow decision for the copies', () => {
    const exchange = decided('/fhir/Patient/p1', handlerDeps(state, { flags: flagsFor({ 'patient-read': 'shadow' }) }));
    expect(exchange.decision).toMatchObject({ mode: 'shadow', serve: 'legacy' });
    expect(exchange.upstream).toBe(state.upstreams.get('legacy'));
  });

  it('decides nothing for unmatched traffic and never hashes anything', () => {
    const hashed: string[] = [];
    const exchange = decided('/elsewhere?patient=123', handlerDeps(state, { flags: flagsFor({ 'obs-search': 'new' }), hashStickyKey: (key) => (hashed.push(key), key) }));
    expect(exchange.decision).toBeUndefined();
    expect(exchange.side).toBe('legacy');
    expect(hashed).toEqual([]);
  });

  it('hands the flags only the hash of the stickiness key read from the raw target', () => {
    const hashed: string[] = [];
    const exchange = decided('/fhir/Observation?code=x&patient=MRN%20123', handlerDeps(state, { flags: flagsFor({ 'obs-search': 'canary' }), hashStickyKey: (key) => (hashed.push(key), 'h') }));
    expect(hashed).toEqual(['MRN 123']);
    expect(exchange.decision?.mode).toBe('canary');
  });

  it('serves legacy when the stickiness key is missing (never random stickiness)', () => {
    const exchange = decided('/fhir/Observation?code=x', handlerDeps(state, { flags: flagsFor({ 'obs-search': 'new' }) }));
    expect(exchange.decision).toMatchObject({ serve: 'legacy', reason: 'no-sticky-key' });
    expect(exchange.side).toBe('legacy');
  });

  it('serves legacy while the kill switch is on', () => {
    const exchange = decided('/fhir/Patient/p1', handlerDeps(state, { flags: flagsFor({ 'patient-read': 'new' }), killSwitch: () => true }));
    expect(exchange.decision).toMatchObject({ serve: 'legacy', reason: 'kill-switch' });
    expect(exchange.upstream).toBe(state.upstreams.get('legacy'));
  });
});
