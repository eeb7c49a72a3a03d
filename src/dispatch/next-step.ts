// What the request path does after an upstream outcome, as one pure function: relay the answer,
// replay the request on legacy, answer the failure for the upstream, or destroy the response. The
// rules (DESIGN.md, Modes: fall back only while nothing reached the client and only when the request
// is safe to replay) live here and nowhere else; handle-request.ts only carries the step out.
import { isSafeRequest, type FallbackReason, type Side, type StatusClass } from '../shared/words.ts';
import { FAILURES, type FailureCode } from './failures.ts';

export type UpstreamOutcome =
  | { readonly kind: 'response'; readonly status: number }
  | { readonly kind: 'failure'; readonly code: FailureCode; readonly phase: 'before-response' | 'during-response' };

export interface OutcomeContext {
  /** The route lets this call fall back: served by new, `fallback: true`, a legacy upstream exists. */
  readonly canFallBack: boolean;
  /** This call is already the replay (or a diversion): never a second fallback. */
  readonly isFallback: boolean;
  /** GET/HEAD/OPTIONS or a route declared safe (see isSafeRequest). */
  readonly safe: boolean;
  /** Response headers already went to the client, or the client's response is gone (read for failures). */
  readonly clientCommitted: boolean;
}

/** The route options the rules read (a CompiledRoute's config has them). */
export interface RouteOptions {
  readonly config: { readonly fallback?: boolean; readonly safe?: boolean };
}

/** Only a request served by new may fall back, and only on a route that allows it (`fallback`, on by default). */
export function canFallBack(route: RouteOptions | undefined, servedBy: Side): boolean {
  return servedBy === 'new' && route?.config.fallback === true;
}

/**
 * The context of one upstream call from the exchange's facts: its method and route options, the
 * side the exchange serves from, whether this call is already the replay, and what the client has.
 */
export function outcomeContextOf(method: string, route: RouteOptions | undefined, servedBy: Side, isFallback: boolean, clientCommitted: boolean): OutcomeContext {
  return { canFallBack: canFallBack(route, servedBy), isFallback, safe: isSafeRequest(method, route), clientCommitted };
}

export type NextStep =
  | { readonly step: 'relay' }
  | { readonly step: 'replay-on-legacy'; readonly reason: FallbackReason }
  /** Ficus answers for the upstream (FAILURES' status); `served` is the status class counted. */
  | { readonly step: 'answer-failure'; readonly served: StatusClass }
  /** Nothing can be said any more on this response: cut it so the client sees a broken answer, not a short one. */
  | { readonly step: 'destroy' };

/** A response is relayed or replayed; a failure is replayed, answered or ends in a destroyed response. */
export function nextStep(outcome: Extract<UpstreamOutcome, { kind: 'response' }>, context: OutcomeContext): Extract<NextStep, { step: 'relay' | 'replay-on-legacy' }>;
export function nextStep(outcome: Extract<UpstreamOutcome, { kind: 'failure' }>, context: OutcomeContext): Exclude<NextStep, { step: 'relay' }>;
export function nextStep(outcome: UpstreamOutcome, context: OutcomeContext): NextStep;
export function nextStep(outcome: UpstreamOutcome, context: OutcomeContext): NextStep {
  const mayReplay = context.canFallBack && !context.isFallback;
  if (outcome.kind === 'response') {
    return outcome.status >= 500 && mayReplay && context.safe ? { step: 'replay-on-legacy', reason: 'status-5xx' } : { step: 'relay' };
  }
  if (outcome.phase === 'during-response' || context.clientCommitted) return { step: 'destroy' };
  const row = FAILURES[outcome.code];
  // The client's own doing (a stalled upload): never replayed, never the upstream's fault.
  if (row.clientFault) return { step: 'answer-failure', served: '4xx' };
  // A write may be replayed only when the upstream provably never received it.
  if (mayReplay && (context.safe || row.neverReached)) return { step: 'replay-on-legacy', reason: fallbackReasonOf(outcome.code) };
  return { step: 'answer-failure', served: row.timeout ? 'timeout' : 'error' };
}

function fallbackReasonOf(code: FailureCode): FallbackReason {
  if (FAILURES[code].timeout) return 'timeout';
  return code === 'UPSTREAM_CONNECT_REFUSED' ? 'connect-refused' : 'error';
}
