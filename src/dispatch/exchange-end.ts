// How an exchange ends, whichever call ended it: the evidence counted for the route, a failure
// answered for the upstream, and the summary handed to the access log, metrics and trace.
import { performance } from 'node:perf_hooks';
import type { FallbackReason, Side, StatusClass } from '../shared/words.ts';
import type { RequestExchange } from './exchange.ts';
import { FAILURES, failureBody, type FailureCode } from './failures.ts';
import type { HandlerDeps } from './handler-deps.ts';
import { serverTimingValue } from './relay.ts';

/** Served traffic counts only for routed exchanges (unmatched pass-through is the migration map's). */
export function observeServed(exchange: RequestExchange, deps: HandlerDeps, side: Side, status: StatusClass, latencyMs: number, fallback: FallbackReason | undefined): void {
  const { route, decision } = exchange;
  if (!route || !decision) return;
  deps.observe({ type: 'served', route: route.id, mode: decision.mode, side, status, latencyMs, fallback });
}

/** Ficus answers for the upstream: the failure's status (FAILURES), a JSON body naming a request id. */
export function answerFailure(exchange: RequestExchange, deps: HandlerDeps, code: FailureCode, upstreamMs: number, side: Side, fallback: FallbackReason | undefined): void {
  const requestId = deps.newRequestId();
  const row = FAILURES[code];
  const body = failureBody(code, requestId);
  exchange.res.writeHead(row.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Request-Id': requestId,
    'Server-Timing': serverTimingValue(upstreamMs, exchange.decision?.mode ?? 'legacy'),
    // The rest of an unfinished body is never read: the connection cannot carry another request.
    ...(row.clientFault || !exchange.req.complete ? { Connection: 'close' } : {}),
  });
  exchange.res.end(body);
  exchange.trace?.end(row.status, side, true, code);
  deps.onExchangeEnd?.({
    requestId, method: exchange.method, route: exchange.route, decision: exchange.decision, servedBy: side, status: row.status,
    upstreamMs, totalMs: performance.now() - exchange.startedAt, fallback, failure: code, complete: true,
  }, exchange.target);
}

/** The relayed response is finished (complete=false when either side failed mid-body). */
export function endExchange(exchange: RequestExchange, deps: HandlerDeps, side: Side, status: number, upstreamMs: number, complete: boolean, fallback: FallbackReason | undefined): void {
  exchange.trace?.end(status, side, complete);
  deps.onExchangeEnd?.({
    requestId: undefined, method: exchange.method, route: exchange.route, decision: exchange.decision, servedBy: side, status,
    upstreamMs, totalMs: performance.now() - exchange.startedAt, fallback, complete,
  }, exchange.target);
}

/**
 * The client's response is gone before an answer (it left, or the failure found it destroyed):
 * nothing is sent, but the exchange is counted and logged with the failure's code and status
 * (CLIENT_GONE → 499, as nginx logs it), so a client that gives up is seen, not lost.
 */
export function abandonExchange(exchange: RequestExchange, deps: HandlerDeps, code: FailureCode, upstreamMs: number, side: Side, fallback: FallbackReason | undefined): void {
  const status = FAILURES[code].status;
  observeServed(exchange, deps, side, FAILURES[code].clientFault ? '4xx' : FAILURES[code].timeout ? 'timeout' : 'error', upstreamMs, fallback);
  exchange.trace?.end(status, side, false, code);
  deps.onExchangeEnd?.({
    requestId: undefined, method: exchange.method, route: exchange.route, decision: exchange.decision, servedBy: side, status,
    upstreamMs, totalMs: performance.now() - exchange.startedAt, fallback, failure: code, complete: false,
  }, exchange.target);
}
