// One upstream call of an exchange — the primary, or its replay on legacy — and what follows its
// outcome. The rules are next-step.ts's (one pure function, tested from a table); this file only
// carries the step out and keeps the breaker, the trace and the evidence informed.
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { statusClassOf, type FallbackReason, type Side } from '../shared/words.ts';
import type { TeedBody } from './body-tee.ts';
import type { RequestExchange } from './exchange.ts';
import { abandonExchange, answerFailure, endExchange, observeServed } from './exchange-end.ts';
import type { UpstreamSpan } from './exchange-trace.ts';
import { FAILURES, type UpstreamFailure } from './failures.ts';
import type { FailurePhase } from './forward.ts';
import type { HandlerDeps } from './handler-deps.ts';
import type { HeaderEntries } from './hop-headers.ts';
import { nextStep, outcomeContextOf } from './next-step.ts';
import { relayResponse, serverTimingValue } from './relay.ts';
import { resolveTimeouts, type Upstream } from './upstream-pool.ts';

interface Call {
  readonly exchange: RequestExchange;
  readonly side: Side;
  /** Set on a replay (or a diversion): this call may never fall back again. */
  readonly fallback: FallbackReason | undefined;
  readonly startedAt: number;
  readonly span: UpstreamSpan | undefined;
}

export function callUpstream(exchange: RequestExchange, deps: HandlerDeps, upstream: Upstream, side: Side, body: Buffer | undefined, fallback: FallbackReason | undefined): void {
  const { req, res, route } = exchange;
  const span = exchange.trace?.attempt(side, upstream.name);
  const call: Call = { exchange, side, fallback, startedAt: performance.now(), span };
  deps.forwarder.forward({
    req, res, upstream, rawPath: exchange.target, body,
    timeouts: route ? resolveTimeouts(upstream.timeouts, route.config.timeouts) : upstream.timeouts,
    headers: span ? withTraceparent(exchange.headers, span.traceparent) : exchange.headers,
    onResponse: (proxyRes) => onResponse(call, deps, proxyRes),
    onFailure: (failure, phase) => onFailure(call, deps, failure, phase),
  });
}

function onResponse(call: Call, deps: HandlerDeps, proxyRes: IncomingMessage): void {
  const { exchange, side, fallback } = call;
  const upstreamMs = performance.now() - call.startedAt;
  const status = proxyRes.statusCode ?? 502;
  call.span?.end(status);
  if (side === 'new' && exchange.route) deps.breaker?.record(exchange.route, status < 500);
  const next = nextStep({ kind: 'response', status }, outcomeContextOf(exchange.method, exchange.route, exchange.side, fallback !== undefined, false));
  if (next.step === 'replay-on-legacy') {
    proxyRes.resume();
    return replayOnLegacy(exchange, deps, next.reason, upstreamMs, status);
  }
  observeServed(exchange, deps, side, statusClassOf(status), upstreamMs, fallback);
  relayResponse(exchange.res, proxyRes, {
    serverTiming: serverTimingValue(upstreamMs, exchange.decision?.mode ?? 'legacy'),
    // Only the side the mirror planned for is compared: never a replay's answer.
    capture: side === exchange.side ? exchange.capture : undefined,
    onEnd: (complete) => endExchange(exchange, deps, side, status, upstreamMs, complete, fallback),
  });
}

function onFailure(call: Call, deps: HandlerDeps, failure: UpstreamFailure, phase: FailurePhase): void {
  const { exchange, side, fallback } = call;
  const { res, route } = exchange;
  const upstreamMs = performance.now() - call.startedAt;
  if (phase === 'before-response') call.span?.end(failure.code);
  // A failure mid-body follows a response already recorded: count the request once. A client
  // that left first is not the new service's failure (Ficus cut the upstream call itself).
  if (side === 'new' && route && phase === 'before-response' && !res.destroyed && !FAILURES[failure.code].clientFault) deps.breaker?.record(route, false);
  const committed = res.headersSent || res.destroyed;
  const next = nextStep({ kind: 'failure', code: failure.code, phase }, outcomeContextOf(exchange.method, route, exchange.side, fallback !== undefined, committed));
  if (next.step === 'destroy') {
    res.destroy();
    // Nothing was relayed, so no relay will end this exchange: end it here (the client left first).
    if (phase === 'before-response') abandonExchange(exchange, deps, failure.code, upstreamMs, side, fallback);
    return;
  }
  if (next.step === 'replay-on-legacy') return replayOnLegacy(exchange, deps, next.reason, upstreamMs, undefined);
  observeServed(exchange, deps, side, next.served, upstreamMs, fallback);
  answerFailure(exchange, deps, failure.code, upstreamMs, side, fallback);
}

const NO_BODY: Promise<TeedBody> = Promise.resolve({ bytes: Buffer.alloc(0), overCap: false });

/** New failed before the client saw anything, and the request may be sent again: legacy answers it. */
function replayOnLegacy(exchange: RequestExchange, deps: HandlerDeps, reason: FallbackReason, newMs: number, newStatus: number | undefined): void {
  const { req, res } = exchange;
  exchange.trace?.fallback(reason);
  deps.observe({ type: 'mirrored', route: exchange.route!.id, side: 'new', status: newStatus === undefined ? (reason === 'timeout' ? 'timeout' : 'error') : statusClassOf(newStatus), latencyMs: newMs });
  // A replay needs the whole body: wait for its copy (kept from the start by plan-copies; none when
  // the request has no body).
  const body = exchange.body?.taken() ?? NO_BODY;
  if (!req.complete) req.resume();
  void body.then((teed) => {
    // The client left while its body was still being kept for the replay: end the exchange as gone.
    if (res.destroyed) return abandonExchange(exchange, deps, 'CLIENT_GONE', newMs, 'new', reason);
    if (teed.bytes === undefined) {
      // Over the cap or cut short: there is nothing whole to replay.
      observeServed(exchange, deps, 'new', 'error', newMs, undefined);
      return answerFailure(exchange, deps, 'UPSTREAM_ERROR', newMs, 'new', undefined);
    }
    callUpstream(exchange, deps, exchange.legacy, 'legacy', teed.bytes, reason);
  });
}

/** Our span's traceparent replaces the client's (the client's one is the parent, read by the tracer). */
function withTraceparent(headers: HeaderEntries, traceparent: string): HeaderEntries {
  const out = headers.filter(([name]) => name.length !== 11 || name.toLowerCase() !== 'traceparent');
  out.push(['traceparent', traceparent]);
  return out;
}
