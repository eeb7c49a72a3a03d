import { afterAll, describe, expect, it } from 'vitest';
import type { MirrorContext, MirrorHooks } from '../mirror-hooks.ts';
import type { RelayCapture } from '../relay.ts';
import { decideMode } from './decide-mode.ts';
import { closeEdgeState, edgeState, flagsFor, handlerDeps, request, requestExchange, routeConfig } from './exchange.test-kit.ts';
import { match } from './match.ts';
import { planCopies } from './plan-copies.ts';

const state = edgeState([
  routeConfig({ id: 'with-fallback', match: { path: '/a' } }),
  routeConfig({ id: 'no-fallback', match: { path: '/b' }, fallback: false }),
]);
afterAll(() => closeEdgeState(state));

const WITH_BODY = ['Host', 'ehr.example', 'Content-Type', 'application/json', 'Content-Length', '2'];

function recordingMirror(capture?: RelayCapture): MirrorHooks & { contexts: MirrorContext[] } {
  const contexts: MirrorContext[] = [];
  return { contexts, begin: (context) => (contexts.push(context), capture) };
}

function planned(method: string, target: string, rawHeaders: string[], deps: ReturnType<typeof handlerDeps>) {
  const exchange = requestExchange(request(method, target, rawHeaders), deps);
  match(exchange, deps);
  decideMode(exchange, deps);
  expect(planCopies(exchange, deps)).toBe('next');
  return exchange;
}

describe('planCopies pass', () => {
  it('copies nothing for unmatched traffic: no body kept, the mirror never asked', () => {
    const mirror = recordingMirror();
    const exchange = planned('POST', '/elsewhere', WITH_BODY, handlerDeps(state, { mirror }));
    expect(exchange.body).toBeUndefined();
    expect(exchange.capture).toBeUndefined();
    expect(mirror.contexts).toEqual([]);
  });

  it('keeps the request body from the start when new serves and a replay on legacy may follow', () => {
    const exchange = planned('PUT', '/a', WITH_BODY, handlerDeps(state, { flags: flagsFor({ 'with-fallback': 'new' }) }));
    expect(exchange.body?.taken()).toBeInstanceOf(Promise);
    // Not read yet: the primary's pipe must be the body's first consumer (request-body-copy.ts).
    expect(exchange.req.listenerCount('data')).toBe(0);
  });

  it('keeps no body for a route without fallback when nothing mirrors it', () => {
    const exchange = planned('PUT', '/b', WITH_BODY, handlerDeps(state, { flags: flagsFor({ 'no-fallback': 'new' }) }));
    expect(exchange.body).toBeUndefined();
  });

  it('keeps no body for a body-less request, even when a replay may follow', () => {
    const exchange = planned('GET', '/a', ['Host', 'ehr.example'], handlerDeps(state, { flags: flagsFor({ 'with-fallback': 'new' }) }));
    expect(exchange.body?.taken()).toBeUndefined();
  });

  it('hands the mirror the served side, the built headers and a body it may take; its capture goes to the relay', () => {
    const capture: RelayCapture = { capBytes: 10, onCaptured: () => {} };
    const mirror = recordingMirror(capture);
    const exchange = planned('GET', '/a', ['Host', 'ehr.example'], handlerDeps(state, { flags: flagsFor({ 'with-fallback': 'shadow' }), mirror }));
    expect(exchange.capture).toBe(capture);
    expect(mirror.contexts).toHaveLength(1);
    const context = mirror.contexts[0]!;
    expect(context).toMatchObject({ route: exchange.route, servedBy: 'legacy', headers: exchange.headers, decision: { mode: 'shadow' } });
    // The mirror's take and a replay's read the same copy.
    expect(context.teeBody()).toBe(exchange.body?.taken());
  });
});
