// Pass 8, the last: the primary upstream call. What follows its outcome (relay, replay on legacy,
// answer the failure, destroy) is upstream-call.ts's, by next-step.ts's rules.
import type { PassOutcome, RequestExchange } from '../exchange.ts';
import type { HandlerDeps } from '../handler-deps.ts';
import { callUpstream } from '../upstream-call.ts';

export function dispatch(exchange: RequestExchange, deps: HandlerDeps): PassOutcome {
  callUpstream(exchange, deps, exchange.upstream, exchange.side, undefined, exchange.diverted);
  // The primary's request exists now: a body copy asked for by an earlier pass may start reading.
  exchange.body?.primarySent();
  return 'done';
}
