// The request's path through Ficus, as ordered passes over one exchange record (exchange.ts). Each
// pass is a plain function in passes/, tested alone beside its code; the list is built once, so a
// request allocates its record and nothing per pass. Unmatched pass-through does the least work:
// match finds nothing, and decide, divert and plan-copies return at their first line.
//
//   screen               refuse a target that must not be forwarded (400), else origin-form from here on
//   match                the route, or none: legacy, untouched
//   decideMode           one flag evaluation → mode, side and upstream
//   divertOnOpenBreaker  new's breaker is open → legacy from the start
//   buildHeaders         the upstream request's headers (hop-by-hop out, X-Forwarded-* in)
//   startTrace           the server span (continues the client's traceparent)
//   planCopies           the request body kept for a replay; the mirror's copies
//   dispatch             the primary upstream call; next-step.ts decides what follows its outcome
//
// WebSocket upgrades (handle-upgrade.ts) run the same first passes, screen to buildHeaders.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { openRequestExchange, type Pass, type RequestExchange } from './exchange.ts';
import type { HandlerDeps } from './handler-deps.ts';
import { buildHeaders } from './passes/build-headers.ts';
import { decideMode } from './passes/decide-mode.ts';
import { dispatch } from './passes/dispatch.ts';
import { divertOnOpenBreaker } from './passes/divert-on-open-breaker.ts';
import { match } from './passes/match.ts';
import { planCopies } from './passes/plan-copies.ts';
import { screen } from './passes/screen.ts';
import { startTrace } from './passes/start-trace.ts';

export const REQUEST_PASSES: readonly Pass<RequestExchange>[] = Object.freeze([
  screen,
  match,
  decideMode,
  divertOnOpenBreaker,
  buildHeaders,
  startTrace,
  planCopies,
  dispatch,
]);

export function createRequestHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return function handleRequest(req, res) {
    const exchange = openRequestExchange(req, res, deps);
    for (const pass of REQUEST_PASSES) if (pass(exchange, deps) === 'done') return;
  };
}
