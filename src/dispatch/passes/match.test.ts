import { afterAll, describe, expect, it } from 'vitest';
import type { PathRefusal } from '../../routing/route-table.ts';
import { closeEdgeState, edgeState, handlerDeps, request, requestExchange, routeConfig } from './exchange.test-kit.ts';
import { match } from './match.ts';

const state = edgeState([
  routeConfig({ id: 'patient-read', match: { methods: ['GET'], path: '/fhir/Patient/:id' } }),
  routeConfig({ id: 'anything-under-fhir', match: { path: '/fhir/*' } }),
]);
afterAll(() => closeEdgeState(state));

describe('match pass', () => {
  it('leaves an unmatched target on legacy, untouched, with no route', () => {
    const exchange = requestExchange(request('GET', '/cgi-bin/legacy.pl?mrn=123'), handlerDeps(state));
    expect(match(exchange, handlerDeps(state))).toBe('next');
    expect(exchange).toMatchObject({ route: undefined, match: undefined, side: 'legacy', upstream: state.upstreams.get('legacy') });
  });

  it('takes the first route in file order whose method and pattern match, with its raw parameters', () => {
    const exchange = requestExchange(request('GET', '/fhir/Patient/p%201'), handlerDeps(state));
    match(exchange, handlerDeps(state));
    expect(exchange.route?.id).toBe('patient-read');
    expect(exchange.match?.params).toEqual({ id: 'p%201' });
  });

  it('skips a route whose methods do not include the request\'s', () => {
    const exchange = requestExchange(request('DELETE', '/fhir/Patient/p1'), handlerDeps(state));
    match(exchange, handlerDeps(state));
    expect(exchange.route?.id).toBe('anything-under-fhir');
  });

  it('counts a parameter that carries path structure as refused and keeps the request on legacy', () => {
    const refused: PathRefusal[] = [];
    const deps = handlerDeps(state, { onPathRefused: (refusal) => refused.push(refusal) });
    const exchange = requestExchange(request('GET', '/fhir/Patient/..%2F..%2Finternal'), deps);
    expect(match(exchange, deps)).toBe('next');
    expect(exchange.route).toBeUndefined();
    expect(refused.map((r) => r.route.id)).toEqual(['patient-read']);
  });
});
