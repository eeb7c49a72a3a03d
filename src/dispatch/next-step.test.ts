import { describe, expect, it } from 'vitest';
import type { Side } from '../shared/words.ts';
import { FAILURES, type FailureCode } from './failures.ts';
import { nextStep, outcomeContextOf, type NextStep, type RouteOptions, type UpstreamOutcome } from './next-step.ts';

const ok = (status: number): UpstreamOutcome => ({ kind: 'response', status });
const failed = (code: FailureCode, phase: 'before-response' | 'during-response' = 'before-response'): UpstreamOutcome => ({ kind: 'failure', code, phase });

/** The facts of one call: the request's method, its route's options, who serves, what came before. */
interface Call {
  readonly method: string;
  readonly route: RouteOptions | undefined;
  readonly servedBy: Side;
  /** This call is the replay on legacy (or a diversion): it may never fall back again. */
  readonly replay?: boolean;
  /** Response headers already went to the client, or its response is gone. */
  readonly committed?: boolean;
}

const route = (options: { fallback?: boolean; safe?: boolean } = {}): RouteOptions => ({ config: { fallback: options.fallback ?? true, safe: options.safe ?? false } });
const ON_NEW = (method: string, options?: { fallback?: boolean; safe?: boolean }): Call => ({ method, route: route(options), servedBy: 'new' });

const relay: NextStep = { step: 'relay' };
const replay = (reason: Extract<NextStep, { step: 'replay-on-legacy' }>['reason']): NextStep => ({ step: 'replay-on-legacy', reason });
const answer = (served: Extract<NextStep, { step: 'answer-failure' }>['served']): NextStep => ({ step: 'answer-failure', served });
const destroy: NextStep = { step: 'destroy' };

const stepFor = (outcome: UpstreamOutcome, call: Call): NextStep =>
  nextStep(outcome, outcomeContextOf(call.method, call.route, call.servedBy, call.replay ?? false, call.committed ?? false));

// outcome × method × phase × route options → next step
const TABLE: readonly [string, UpstreamOutcome, Call, NextStep][] = [
  ['relays a 200 from new', ok(200), ON_NEW('GET'), relay],
  ['relays a 404 from new (a client error is an answer, not a failure)', ok(404), ON_NEW('GET'), relay],
  ['replays a GET on legacy when new answers 5xx', ok(503), ON_NEW('GET'), replay('status-5xx')],
  ['replays a HEAD on legacy when new answers 5xx', ok(500), ON_NEW('HEAD'), replay('status-5xx')],
  ['replays a POST _search on a route declared safe when new answers 5xx', ok(502), ON_NEW('POST', { safe: true }), replay('status-5xx')],
  ['relays new\'s 5xx to a POST (new may have acted on it)', ok(500), ON_NEW('POST'), relay],
  ['relays new\'s 5xx to a DELETE (new may have acted on it)', ok(500), ON_NEW('DELETE'), relay],
  ['relays a 5xx when the route has fallback off', ok(500), ON_NEW('GET', { fallback: false }), relay],
  ['relays legacy\'s 5xx on a replay (never a second fallback)', ok(502), { ...ON_NEW('GET'), replay: true }, relay],
  ['relays legacy\'s 5xx when legacy serves the route (nothing to fall back to)', ok(503), { method: 'GET', route: route(), servedBy: 'legacy' }, relay],
  ['relays a 5xx of unmatched traffic', ok(500), { method: 'GET', route: undefined, servedBy: 'legacy' }, relay],
  ['replays a GET when new refuses the connection', failed('UPSTREAM_CONNECT_REFUSED'), ON_NEW('GET'), replay('connect-refused')],
  ['replays a POST when new refused the connection (never received it)', failed('UPSTREAM_CONNECT_REFUSED'), ON_NEW('POST'), replay('connect-refused')],
  ['replays a PUT when new was never reached in time', failed('UPSTREAM_CONNECT_TIMEOUT'), ON_NEW('PUT'), replay('timeout')],
  ['replays a POST when new\'s connection pool stayed full (never sent)', failed('UPSTREAM_QUEUE_TIMEOUT'), ON_NEW('POST'), replay('timeout')],
  ['replays a POST when new\'s TLS handshake failed', failed('UPSTREAM_TLS'), ON_NEW('POST'), replay('error')],
  ['replays a POST when new\'s name did not resolve', failed('UPSTREAM_UNRESOLVABLE'), ON_NEW('POST'), replay('error')],
  ['replays a GET when new timed out on headers', failed('UPSTREAM_HEADERS_TIMEOUT'), ON_NEW('GET'), replay('timeout')],
  ['replays a POST on a safe route when new timed out on headers', failed('UPSTREAM_HEADERS_TIMEOUT'), ON_NEW('POST', { safe: true }), replay('timeout')],
  ['answers 504 to a POST whose headers timed out (new may have acted on it)', failed('UPSTREAM_HEADERS_TIMEOUT'), ON_NEW('POST'), answer('timeout')],
  ['answers 502 to a PATCH whose connection reset', failed('UPSTREAM_RESET'), ON_NEW('PATCH'), answer('error')],
  ['answers 502 to a POST given an invalid response', failed('UPSTREAM_PROTOCOL'), ON_NEW('POST'), answer('error')],
  ['replays a GET whose connection reset', failed('UPSTREAM_RESET'), ON_NEW('GET'), replay('error')],
  ['answers a refused connection when the route has fallback off', failed('UPSTREAM_CONNECT_REFUSED'), ON_NEW('GET', { fallback: false }), answer('error')],
  ['answers an idle timeout when the route has fallback off', failed('UPSTREAM_IDLE_TIMEOUT'), ON_NEW('POST', { fallback: false }), answer('timeout')],
  ['answers legacy\'s failure on a replay', failed('UPSTREAM_CONNECT_REFUSED'), { ...ON_NEW('GET'), replay: true }, answer('error')],
  ['answers legacy\'s failure when legacy serves the route', failed('UPSTREAM_CONNECT_TIMEOUT'), { method: 'GET', route: route(), servedBy: 'legacy' }, answer('timeout')],
  ['answers a failure of unmatched traffic', failed('UPSTREAM_RESET'), { method: 'POST', route: undefined, servedBy: 'legacy' }, answer('error')],
  ['answers 408 to a stalled upload and never replays it', failed('REQUEST_BODY_TIMEOUT'), ON_NEW('GET'), answer('4xx')],
  ['answers 408 to a stalled POST upload on a safe route too', failed('REQUEST_BODY_TIMEOUT'), ON_NEW('POST', { safe: true }), answer('4xx')],
  ['destroys when the body fails mid-response', failed('UPSTREAM_RESET', 'during-response'), ON_NEW('GET'), destroy],
  ['destroys when legacy\'s body times out mid-response on a replay', failed('UPSTREAM_IDLE_TIMEOUT', 'during-response'), { ...ON_NEW('GET'), replay: true }, destroy],
  ['destroys when headers already went to the client', failed('UPSTREAM_CONNECT_REFUSED'), { ...ON_NEW('GET'), committed: true }, destroy],
  ['destroys, never answers, a stalled upload whose client already has headers', failed('REQUEST_BODY_TIMEOUT'), { ...ON_NEW('POST', { fallback: false }), committed: true }, destroy],
];

describe('nextStep: what follows an upstream outcome', () => {
  it.each(TABLE)('%s', (_name, outcome, call, expected) => {
    expect(stepFor(outcome, call)).toEqual(expected);
  });
});

// Every combination, against the rules DESIGN.md states (Modes: fall back only while nothing
// reached the client and only when the request is safe to replay).
const OUTCOMES: readonly UpstreamOutcome[] = [
  ...[200, 204, 301, 404, 429, 500, 502, 503].map(ok),
  ...(Object.keys(FAILURES) as FailureCode[]).flatMap((code) => [failed(code), failed(code, 'during-response')]),
];
const METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'];
const ROUTES: readonly (RouteOptions | undefined)[] = [undefined, route({ fallback: true }), route({ fallback: false }), route({ fallback: true, safe: true }), route({ fallback: false, safe: true })];
const CALLS: Call[] = METHODS.flatMap((method) => ROUTES.flatMap((r) => (['legacy', 'new'] as const).flatMap((servedBy) =>
  [false, true].flatMap((replayed) => [false, true].map((committed): Call => ({ method, route: r, servedBy, replay: replayed, committed }))))));
// upstream-call.ts reads what the client has only on a failure: a response arrives before Ficus
// sent anything of its own, so a response with the client committed is not a state it produces.
const ALL = OUTCOMES.flatMap((outcome) => CALLS.filter((call) => outcome.kind === 'failure' || !call.committed).map((call) => ({ outcome, call, step: stepFor(outcome, call) })));

describe('nextStep over every outcome × method × phase × route option', () => {
  it('covers the whole space', () => {
    const responses = OUTCOMES.filter((o) => o.kind === 'response').length;
    expect(ALL.length).toBe((OUTCOMES.length - responses) * CALLS.length + responses * (CALLS.length / 2));
  });

  it('replays only a first call served by new on a route with fallback on', () => {
    for (const { call, step } of ALL) {
      if (step.step !== 'replay-on-legacy') continue;
      expect(call).toMatchObject({ servedBy: 'new', replay: false, route: { config: { fallback: true } } });
    }
  });

  it('never replays once anything reached the client, nor an answer below 500', () => {
    for (const { outcome, call, step } of ALL) {
      if (step.step !== 'replay-on-legacy') continue;
      expect(call.committed).toBe(false);
      if (outcome.kind === 'response') expect(outcome.status).toBeGreaterThanOrEqual(500);
      else expect(outcome.phase).toBe('before-response');
    }
  });

  it('replays a write only when the new service provably never received it', () => {
    const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
    for (const { outcome, call, step } of ALL) {
      if (step.step !== 'replay-on-legacy' || safeMethods.has(call.method) || call.route?.config.safe) continue;
      expect(outcome.kind).toBe('failure');
      if (outcome.kind === 'failure') expect(FAILURES[outcome.code].neverReached).toBe(true);
    }
  });

  it('always relays or replays a response, never answers for it or cuts it', () => {
    for (const { outcome, step } of ALL) if (outcome.kind === 'response') expect(['relay', 'replay-on-legacy']).toContain(step.step);
  });

  it('destroys every failure mid-response or after headers went out, and only those', () => {
    for (const { outcome, call, step } of ALL) {
      if (outcome.kind !== 'failure') continue;
      expect(step.step === 'destroy').toBe(outcome.phase === 'during-response' || call.committed === true);
    }
  });

  it('never replays the client\'s own stalled upload, and counts its answer as a 4xx', () => {
    for (const { outcome, step } of ALL) {
      if (outcome.kind !== 'failure' || outcome.code !== 'REQUEST_BODY_TIMEOUT') continue;
      expect(step.step).not.toBe('replay-on-legacy');
      if (step.step === 'answer-failure') expect(step.served).toBe('4xx');
    }
  });
});
