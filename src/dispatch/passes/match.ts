// Pass 2: find the route. Unmatched traffic goes to legacy untouched, and so does a target whose
// route parameter would carry path structure (`..%2F`): that one is counted as refused for new.
import type { PassOutcome, RoutedExchange } from '../exchange.ts';
import type { HandlerDeps } from '../handler-deps.ts';
import { matchRoute } from '../../routing/route-table.ts';

export function match(exchange: RoutedExchange, deps: HandlerDeps): PassOutcome {
  const found = matchRoute(exchange.state.table, exchange.method, exchange.target);
  if (found?.kind === 'matched') {
    exchange.match = found;
    exchange.route = found.route;
  } else if (found?.kind === 'refused') deps.onPathRefused?.(found);
  return 'next';
}
