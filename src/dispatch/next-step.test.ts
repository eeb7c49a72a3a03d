import { describe, expect, it } from 'vitest';
import { nextStep, type NextStep, type OutcomeContext, type UpstreamOutcome } from './next-step.ts';

const ok = (status: number): UpstreamOutcome => ({ kind: 'response', status });
const failed = (code: Extract<UpstreamOutcome, { kind: 'failure' }>['code'], phase: 'before-response' | 'during-response' = 'before-response'): UpstreamOutcome => ({ kind: 'failure', code, phase });

// canFallBack, isFallback, safe, clientCommitted
const ctx = (canFallBack: boolean, isFallback: boolean, safe: boolean, clientCommitted = false): OutcomeContext => ({ canFallBack, isFallback, safe, clientCommitted });
const NEW_WITH_FALLBACK = { safe: ctx(true, false, true), write: ctx(true, false, false) };
const NO_FALLBACK = { safe: ctx(false, false, true), write: ctx(false, false, false) };
const REPLAY = ctx(true, true, true);

const relay: NextStep = { step: 'relay' };
const replay = (reason: Extract<NextStep, { step: 'replay-on-legacy' }>['reason']): NextStep => ({ step: 'replay-on-legacy', reason });
const answer = (served: Extract<NextStep, { step: 'answer-failure' }>['served']): NextStep => ({ step: 'answer-failure', served });
const destroy: NextStep = { step: 'destroy' };

const TABLE: readonly [string, UpstreamOutcome, OutcomeContext, NextStep][] = [
  ['relays a 200 from new', ok(200), NEW_WITH_FALLBACK.safe, relay],
  ['relays a 404 from new (a client error is an answer, not a failure)', ok(404), NEW_WITH_FALLBACK.safe, relay],
  ['replays a safe request on legacy when new answers 5xx', ok(503), NEW_WITH_FALLBACK.safe, replay('status-5xx')],
  ['relays new\'s 5xx to a write (new may have acted on it)', ok(500), NEW_WITH_FALLBACK.write, relay],
  ['relays a 5xx when the route has no fallback', ok(500), NO_FALLBACK.safe, relay],
  ['relays legacy\'s 5xx on a replay (never a second fallback)', ok(502), REPLAY, relay],
  ['replays a safe request when new refuses the connection', failed('UPSTREAM_CONNECT_REFUSED'), NEW_WITH_FALLBACK.safe, replay('connect-refused')],
  ['replays a write when new refused the connection (never received it)', failed('UPSTREAM_CONNECT_REFUSED'), NEW_WITH_FALLBACK.write, replay('connect-refused')],
  ['replays a write when new was never reached in time', failed('UPSTREAM_CONNECT_TIMEOUT'), NEW_WITH_FALLBACK.write, replay('timeout')],
  ['replays a write when new\'s TLS handshake failed', failed('UPSTREAM_TLS'), NEW_WITH_FALLBACK.write, replay('error')],
  ['replays a safe request when new timed out on headers', failed('UPSTREAM_HEADERS_TIMEOUT'), NEW_WITH_FALLBACK.safe, replay('timeout')],
  ['answers 504 to a write whose headers timed out (new may have acted on it)', failed('UPSTREAM_HEADERS_TIMEOUT'), NEW_WITH_FALLBACK.write, answer('timeout')],
  ['answers 502 to a write whose connection reset', failed('UPSTREAM_RESET'), NEW_WITH_FALLBACK.write, answer('error')],
  ['replays a safe request whose connection reset', failed('UPSTREAM_RESET'), NEW_WITH_FALLBACK.safe, replay('error')],
  ['answers a failure when the route has no fallback', failed('UPSTREAM_CONNECT_REFUSED'), NO_FALLBACK.safe, answer('error')],
  ['answers a timeout when the route has no fallback', failed('UPSTREAM_IDLE_TIMEOUT'), NO_FALLBACK.write, answer('timeout')],
  ['answers legacy\'s failure on a replay', failed('UPSTREAM_CONNECT_REFUSED'), REPLAY, answer('error')],
  ['answers 408 to a stalled upload and never replays it', failed('REQUEST_BODY_TIMEOUT'), NEW_WITH_FALLBACK.safe, answer('4xx')],
  ['destroys when the body fails mid-response', failed('UPSTREAM_RESET', 'during-response'), NEW_WITH_FALLBACK.safe, destroy],
  ['destroys when headers already went to the client', failed('UPSTREAM_CONNECT_REFUSED'), ctx(true, false, true, true), destroy],
  ['destroys, never answers, a stalled upload whose client already has headers', failed('REQUEST_BODY_TIMEOUT'), ctx(false, false, false, true), destroy],
];

describe('nextStep: what follows an upstream outcome', () => {
  it.each(TABLE)('%s', (_name, outcome, context, expected) => {
    expect(nextStep(outcome, context)).toEqual(expected);
  });
});
