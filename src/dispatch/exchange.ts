// One exchange record, filled in by the passes in the order handle-request.ts lists them (and, for
// its first passes, handle-upgrade.ts). Each field is written by one pass and read by later ones;
// all of them exist from the start, so every request's record has the same shape.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import type { Decision } from '../decision/decide.ts';
import type { CompiledRoute, RouteMatch } from '../routing/route-table.ts';
import type { FallbackReason, Side } from '../shared/words.ts';
import type { ExchangeTrace } from './exchange-trace.ts';
import type { EdgeState, HandlerDeps } from './handler-deps.ts';
import type { HeaderEntries } from './hop-headers.ts';
import type { RelayCapture } from './relay.ts';
import type { RequestBodyCopy } from './request-body-copy.ts';
import type { Upstream } from './upstream-pool.ts';

/** `done`: the pass took the exchange to its end (answered it, or handed it to an upstream call). */
export type PassOutcome = 'next' | 'done';

/** One step of the request path: reads what earlier passes wrote, writes its own fields. */
export type Pass<E> = (exchange: E, deps: HandlerDeps) => PassOutcome;

/** What the passes shared by requests and upgrades (screen, match, decide, breaker, headers) fill in. */
export interface RoutedExchange {
  readonly req: IncomingMessage;
  /** Read once: a reload mid-request never mixes two route tables or two upstream pools. */
  readonly state: EdgeState;
  readonly legacy: Upstream;
  readonly method: string;
  /** An upgrade makes one upstream call; a request's headers may also feed a replay and copies. */
  readonly upgrade: boolean;
  /** The request target in origin-form, as received otherwise. It may carry PHI: never logged. */
  target: string;
  route: CompiledRoute | undefined;
  match: RouteMatch | undefined;
  decision: Decision | undefined;
  /** The side that serves, and its upstream: legacy until a decision (and the breaker) says new. */
  side: Side;
  upstream: Upstream;
  /** Why a request decided for new is served by legacy from the start (the breaker is open). */
  diverted: FallbackReason | undefined;
  headers: HeaderEntries;
}

export interface RequestExchange extends RoutedExchange {
  readonly res: ServerResponse;
  readonly startedAt: number;
  trace: ExchangeTrace | undefined;
  /** Where the primary response is teed for comparison, when the mirror copies this exchange. */
  capture: RelayCapture | undefined;
  /** The request body's copy, for a replay on legacy or a mirror copy; undefined when none may be needed. */
  body: RequestBodyCopy | undefined;
}

export interface UpgradeExchange extends RoutedExchange {
  readonly socket: Duplex;
  readonly head: Buffer;
}

const NO_HEADERS: HeaderEntries = [];

export function openRequestExchange(req: IncomingMessage, res: ServerResponse, deps: HandlerDeps): RequestExchange {
  const startedAt = performance.now();
  const state = deps.state();
  const legacy = state.upstreams.get('legacy')!;
  return {
    req, state, legacy, method: req.method ?? 'GET', upgrade: false, target: req.url ?? '/',
    route: undefined, match: undefined, decision: undefined, side: 'legacy', upstream: legacy, diverted: undefined, headers: NO_HEADERS,
    res, startedAt, trace: undefined, capture: undefined, body: undefined,
  };
}

export function openUpgradeExchange(req: IncomingMessage, socket: Duplex, head: Buffer, deps: HandlerDeps): UpgradeExchange {
  const state = deps.state();
  const legacy = state.upstreams.get('legacy')!;
  return {
    req, state, legacy, method: req.method ?? 'GET', upgrade: true, target: req.url ?? '/',
    route: undefined, match: undefined, decision: undefined, side: 'legacy', upstream: legacy, diverted: undefined, headers: NO_HEADERS,
    socket, head,
  };
}
