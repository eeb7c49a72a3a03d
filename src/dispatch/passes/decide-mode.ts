// Pass 3: one flag evaluation for a matched route, keyed by its hashed stickiness key (hashed only
// when a flag is actually evaluated). The decision picks the side and its upstream.
import { decide } from '../../decision/decide.ts';
import { extractStickyKey } from '../../routing/sticky-key.ts';
import type { PassOutcome, RoutedExchange } from '../exchange.ts';
import type { HandlerDeps } from '../handler-deps.ts';

export function decideMode(exchange: RoutedExchange, deps: HandlerDeps): PassOutcome {
  const found = exchange.match;
  if (!found) return 'next';
  const key = extractStickyKey(found, { rawUrl: exchange.target, headers: exchange.req.headers });
  const decision = decide(deps.flags, { route: found.route, stickyHash: key === undefined ? undefined : () => deps.hashStickyKey(key), killSwitch: deps.killSwitch() });
  exchange.decision = decision;
  if (decision.serve === 'new') {
    exchange.side = 'new';
    exchange.upstream = exchange.state.upstreams.get(found.route.config.new)!;
  }
  return 'next';
}
