// Pass 1: refuse a target that must not be forwarded (absolute-form unless configured, a repeated
// Host, anything that is not a path) with 400 before routing; everything after sees origin-form.
import type { RequestExchange, RoutedExchange, PassOutcome } from '../exchange.ts';
import type { HandlerDeps } from '../handler-deps.ts';
import { refusalResponse, screenRequest, type RefusalReason } from '../request-screen.ts';

export function screen(exchange: RequestExchange, deps: HandlerDeps): PassOutcome {
  const refused = screenTarget(exchange, deps);
  if (refused === undefined) return 'next';
  const refusal = refusalResponse(refused);
  exchange.res.writeHead(refusal.status, refusal.headers).end(refusal.body);
  return 'done';
}

/** The refusal, counted; or undefined, the target now origin-form for every consumer (mirror copies included). */
export function screenTarget(exchange: RoutedExchange, deps: HandlerDeps): RefusalReason | undefined {
  const screened = screenRequest(exchange.req, deps.screen);
  if (!screened.ok) {
    deps.onRefused?.(screened.reason);
    return screened.reason;
  }
  if (screened.target !== exchange.req.url) exchange.req.url = screened.target;
  exchange.target = screened.target;
  return undefined;
}
