// Pass 6: the exchange's server span, continuing the client's traceparent (route-level facts only).
import type { PassOutcome, RequestExchange } from '../exchange.ts';
import type { HandlerDeps } from '../handler-deps.ts';

export function startTrace(exchange: RequestExchange, deps: HandlerDeps): PassOutcome {
  exchange.trace = deps.tracer?.start(exchange.req, exchange.route, exchange.decision);
  return 'next';
}
