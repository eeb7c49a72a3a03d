// Pass 4: a request decided for new goes to legacy while the route's breaker is open (asked once per
// request: a half-open breaker counts the probes it lets through). An upgrade is diverted the same
// way — a socket cannot fall back once it is open.
import type { PassOutcome, RoutedExchange } from '../exchange.ts';
import type { HandlerDeps } from '../handler-deps.ts';

export function divertOnOpenBreaker(exchange: RoutedExchange, deps: HandlerDeps): PassOutcome {
  const { route, decision } = exchange;
  if (exchange.side !== 'new' || !route || !decision || !deps.breaker || deps.breaker.allowNew(route)) return 'next';
  // The decision stays the flag's (mode, variant) but says who serves: legacy.
  exchange.decision = { ...decision, serve: 'legacy' };
  exchange.side = 'legacy';
  exchange.upstream = exchange.legacy;
  exchange.diverted = 'breaker-open';
  return 'next';
}
