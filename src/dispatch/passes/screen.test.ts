import { afterAll, describe, expect, it } from 'vitest';
import type { RefusalReason } from '../request-screen.ts';
import { closeEdgeState, edgeState, handlerDeps, request, requestExchange } from './exchange.test-kit.ts';
import { screen } from './screen.ts';

const state = edgeState([]);
afterAll(() => closeEdgeState(state));

describe('screen pass', () => {
  it('answers 400 to an absolute-form target and counts it, before any routing', () => {
    const refused: RefusalReason[] = [];
    const deps = handlerDeps(state, { onRefused: (reason) => refused.push(reason) });
    const exchange = requestExchange(request('GET', 'http://evil.example/admin', ['Host', 'ehr.example']), deps);
    expect(screen(exchange, deps)).toBe('done');
    expect(exchange.res.statusCode).toBe(400);
    expect(exchange.res.writableEnded).toBe(true);
    expect(refused).toEqual(['absolute-form']);
  });

  it('answers 400 to a request with two Host fields', () => {
    const refused: RefusalReason[] = [];
    const deps = handlerDeps(state, { onRefused: (reason) => refused.push(reason) });
    const exchange = requestExchange(request('GET', '/x', ['Host', 'a.example', 'Host', 'b.example']), deps);
    expect(screen(exchange, deps)).toBe('done');
    expect(refused).toEqual(['duplicate-host']);
  });

  it('rewrites an accepted absolute-form target to origin-form for every later consumer (mirror copies read req.url)', () => {
    const deps = handlerDeps(state, { screen: { acceptAbsoluteForm: true } });
    const exchange = requestExchange(request('GET', 'http://ehr.example/fhir/Patient/p1?x=1', ['Host', 'ehr.example']), deps);
    expect(screen(exchange, deps)).toBe('next');
    expect(exchange.target).toBe('/fhir/Patient/p1?x=1');
    expect(exchange.req.url).toBe('/fhir/Patient/p1?x=1');
  });

  it('passes an origin-form target through as received, byte for byte', () => {
    const deps = handlerDeps(state);
    const exchange = requestExchange(request('GET', '/a//b/%2E%2E?q=%20', ['Host', 'ehr.example']), deps);
    expect(screen(exchange, deps)).toBe('next');
    expect(exchange.target).toBe('/a//b/%2E%2E?q=%20');
    expect(exchange.res.headersSent).toBe(false);
  });
});
