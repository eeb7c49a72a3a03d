// Pass 7: what must be copied while the primary streams — the request body, when a replay on legacy
// may need it, and whatever the mirror asks for (shadow, dry-run, reverse or noise copies, and the
// primary response teed for comparison). Unmatched traffic never copies anything.
import { hasRequestBody } from '../body-tee.ts';
import type { PassOutcome, RequestExchange } from '../exchange.ts';
import type { HandlerDeps } from '../handler-deps.ts';
import { canFallBack } from '../next-step.ts';
import { RequestBodyCopy } from '../request-body-copy.ts';

export function planCopies(exchange: RequestExchange, deps: HandlerDeps): PassOutcome {
  const { req, route, decision } = exchange;
  if (!route || !decision) return 'next';
  const mayReplay = canFallBack(route, exchange.side);
  if (!mayReplay && !deps.mirror) return 'next';
  const body = (exchange.body = new RequestBodyCopy(req, route.config.shadow.bodyCapBytes));
  // A replay sends the whole body again: keep it from the first byte whenever one may follow.
  if (mayReplay && hasRequestBody(req)) body.take();
  exchange.capture = deps.mirror?.begin({
    req, route, decision, servedBy: exchange.side, headers: exchange.headers, teeBody: () => body.take(), startedAt: exchange.startedAt, trace: exchange.trace,
  });
  return 'next';
}
