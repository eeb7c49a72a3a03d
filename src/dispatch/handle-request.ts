// The request's path through Ficus: match → decide → dispatch → relay (and, off the hot path,
// mirror and compare). Pass-through of unmatched traffic does the least possible work.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ExchangeObservation } from '../compare/evidence.ts';
import { decide, type Decision } from '../decision/decide.ts';
import type { FlagSource } from '../decision/flag-source.ts';
import { matchRoute, type CompiledRoute, type PathRefusal, type RouteTable } from '../routing/route-table.ts';
import { extractStickyKey } from '../routing/sticky-key.ts';
import { hasRequestBody, teeRequestBody, type TeedBody } from './body-tee.ts';
import { FAILURES, failureBody, type UpstreamFailure } from './failures.ts';
import { nextStep } from './next-step.ts';
import type { ExchangeTrace, ExchangeTracer } from './exchange-trace.ts';
import type { Forwarder } from './forward.ts';
import { buildRequestHeaders, type HeaderEntries } from './hop-headers.ts';
import { relayResponse, serverTimingValue, type RelayCapture } from './relay.ts';
import { refusalResponse, screenRequest, type RefusalReason, type ScreenOptions } from './request-screen.ts';
import { resolveTimeouts, type Upstream, type UpstreamPool } from './upstream-pool.ts';
import { isSafeRequest, statusClassOf, type FallbackReason, type Side, type StatusClass } from '../shared/words.ts';

// Re-exported for importers that predate the leaf of shared words (src/shared/words.ts).
export { isSafeRequest, statusClassOf };

export interface EdgeState {
  readonly table: RouteTable;
  readonly upstreams: UpstreamPool;
}

/** What the access log and telemetry learn about a finished exchange: no path, no query, no values. */
export interface ExchangeSummary {
  readonly requestId: string | undefined;
  readonly method: string;
  readonly route: CompiledRoute | undefined;
  readonly decision: Decision | undefined;
  readonly servedBy: Side;
  readonly status: number;
  readonly upstreamMs: number;
  readonly totalMs: number;
  readonly fallback?: FallbackReason;
  readonly failure?: string;
  readonly complete: boolean;
}

/** Hooks for mirroring (shadow/canary/reverse) — see mirror.ts. */
export interface MirrorHooks {
  /** Decides whether this exchange is copied; returns the capture to tee the primary response into. */
  begin(exchange: MirrorContext): RelayCapture | undefined;
}

export interface MirrorContext {
  readonly req: IncomingMessage;
  readonly route: CompiledRoute;
  readonly decision: Decision;
  readonly servedBy: Side;
  readonly headers: HeaderEntries;
  /** Starts (once) keeping a copy of the request body up to the route's cap; call synchronously in begin(). */
  teeBody(): Promise<TeedBody>;
  readonly startedAt: number;
  readonly trace: ExchangeTrace | undefined;
}

export interface HandlerDeps {
  state(): EdgeState;
  readonly flags: FlagSource;
  killSwitch(): boolean;
  hashStickyKey(key: string): string;
  readonly forwarder: Forwarder;
  isTrustedProxy(address: string): boolean;
  readonly protocol: 'http' | 'https';
  newRequestId(): string;
  observe(observation: ExchangeObservation): void;
  /**
   * The exchange is over. `rawTarget` is the request target as received — it may carry PHI, so it
   * is kept apart from the summary that logs and telemetry read: only the migration map takes it,
   * and it keeps nothing of it but a PHI-safe template.
   */
  onExchangeEnd?(summary: ExchangeSummary, rawTarget: string): void;
  readonly mirror?: MirrorHooks;
  /** Tracing of the exchange and its upstream calls; undefined when tracing is off. */
  readonly tracer?: ExchangeTracer;
  /** Names (lowercase) dropped from inbound requests, e.g. baggage. */
  readonly dropRequestHeaders?: ReadonlySet<string>;
  /** Per-route circuit breaker: whether new may be tried now, and outcomes to learn from. */
  readonly breaker?: { allowNew(route: CompiledRoute): boolean; record(route: CompiledRoute, ok: boolean): void };
  /** A target whose route parameter carried path structure: served by legacy untouched, counted here. */
  onPathRefused?(refusal: PathRefusal): void;
  /** What request targets are accepted (absolute-form is refused unless configured). */
  readonly screen?: ScreenOptions;
  /** A request refused before routing (400), counted and logged by the caller. */
  onRefused?(reason: RefusalReason): void;
}

export function createRequestHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return function handleRequest(req, res) {
    const startedAt = performance.now();
    const screened = screenRequest(req, deps.screen);
    if (!screened.ok) {
      deps.onRefused?.(screened.reason);
      const refusal = refusalResponse(screened.reason);
      res.writeHead(refusal.status, refusal.headers).end(refusal.body);
      return;
    }
    // Origin-form from here on, for every consumer of the request (mirror copies included).
    if (screened.target !== req.url) req.url = screened.target;
    const state = deps.state();
    const rawUrl = screened.target;
    const method = req.method ?? 'GET';
    const legacy = state.upstreams.get('legacy')!;
    const found = matchRoute(state.table, method, rawUrl);
    if (found?.kind === 'refused') deps.onPathRefused?.(found);
    const match = found?.kind === 'matched' ? found : undefined;
    const forwarded = { remoteAddress: req.socket.remoteAddress ?? '', protocol: deps.protocol, trusted: deps.isTrustedProxy(req.socket.remoteAddress ?? '') };
    if (!match) {
      const headers = buildRequestHeaders(req.rawHeaders, { forwarded, drop: deps.dropRequestHeaders });
      serve(deps, { req, res, rawUrl, method, startedAt, route: undefined, decision: undefined, headers, upstream: legacy, side: 'legacy', trace: deps.tracer?.start(req, undefined, undefined) });
      return;
    }
    const route = match.route;
    const key = extractStickyKey(match, { rawUrl, headers: req.headers });
    let decision = decide(deps.flags, { route, stickyHash: key === undefined ? undefined : () => deps.hashStickyKey(key), killSwitch: deps.killSwitch() });
    let diverted: FallbackReason | undefined;
    if (decision.serve === 'new' && deps.breaker && !deps.breaker.allowNew(route)) {
      decision = { ...decision, serve: 'legacy' };
      diverted = 'breaker-open';
    }
    const side = decision.serve;
    const upstream = side === 'new' ? state.upstreams.get(route.config.new)! : legacy;
    // Host stays the client's here: this list also feeds a replay on legacy and copies to other
    // upstreams, so each call sets its own upstream's Host when that upstream rewrites it.
    const headers = buildRequestHeaders(req.rawHeaders, { forwarded, drop: deps.dropRequestHeaders });
    serve(deps, { req, res, rawUrl, method, startedAt, route, decision, headers, upstream, side, legacy, diverted, trace: deps.tracer?.start(req, route, decision) });
  };
}

interface ServeInput {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly rawUrl: string;
  readonly method: string;
  readonly startedAt: number;
  readonly route: CompiledRoute | undefined;
  readonly decision: Decision | undefined;
  readonly headers: HeaderEntries;
  readonly upstream: Upstream;
  readonly side: Side;
  readonly legacy?: Upstream;
  /** Why a request decided for new is served by legacy from the start (the breaker is open). */
  readonly diverted?: FallbackReason;
  readonly trace: ExchangeTrace | undefined;
}

function serve(deps: HandlerDeps, input: ServeInput): void {
  const { req, res, route, decision } = input;
  const capBytes = route?.config.shadow.bodyCapBytes ?? 0;
  const canFallBack = input.side === 'new' && route?.config.fallback === true && input.legacy !== undefined;
  // The body is teed only when a copy or a replay may need it, and only once, and its 'data'
  // listener goes on after the primary upstream request exists: the primary's pipe is then the
  // first consumer of every chunk. (This ordering once also kept the first chunk from rendering the
  // upstream headers before Ficus had rewritten them; forward.ts now rewrites them when the request
  // is created.) Until then teeBody() hands out a promise of the tee.
  let requestBody: Promise<TeedBody> | undefined;
  let upstreamRequested = false;
  let startTee: (() => void) | undefined;
  const teeBody = () => (requestBody ??= upstreamRequested
    ? teeRequestBody(req, capBytes)
    : new Promise<TeedBody>((resolve) => (startTee = () => resolve(teeRequestBody(req, capBytes)))));
  if (canFallBack && hasRequestBody(req)) teeBody();
  const mirrorCapture = route && decision
    ? deps.mirror?.begin({ req, route, decision, servedBy: input.side, headers: input.headers, teeBody, startedAt: input.startedAt, trace: input.trace })
    : undefined;
  const timeouts = route ? resolveTimeouts(input.upstream.timeouts, route.config.timeouts) : input.upstream.timeouts;
  const mode = decision?.mode ?? 'legacy';
  const safe = isSafeRequest(input.method, route);

  const attempt = (upstream: Upstream, side: Side, body: Buffer | undefined, fallback: FallbackReason | undefined) => {
    const attemptStart = performance.now();
    const span = input.trace?.attempt(side, upstream.name);
    const headers: HeaderEntries = span ? [...withoutTraceparent(input.headers), ['traceparent', span.traceparent]] : input.headers;
    deps.forwarder.forward({
      req, res, upstream, timeouts: side === input.side ? timeouts : resolveTimeouts(upstream.timeouts, route?.config.timeouts), headers, rawPath: input.rawUrl, body,
      onResponse(proxyRes) {
        const upstreamMs = performance.now() - attemptStart;
        const status = proxyRes.statusCode ?? 502;
        span?.end(status);
        if (side === 'new' && route) deps.breaker?.record(route, status < 500);
        const next = nextStep({ kind: 'response', status }, { canFallBack, isFallback: fallback !== undefined, safe, clientCommitted: false });
        if (next.step === 'replay-on-legacy') {
          proxyRes.resume();
          return replayOnLegacy(next.reason, upstreamMs, status);
        }
        observeServed(deps, input, side, statusClassOf(status), upstreamMs, fallback);
        relayResponse(res, proxyRes, {
          serverTiming: serverTimingValue(upstreamMs, mode),
          capture: side === input.side ? mirrorCapture : undefined,
          onEnd: (complete) => finish(deps, input, side, status, upstreamMs, complete, fallback),
        });
      },
      onFailure(failure, phase) {
        const upstreamMs = performance.now() - attemptStart;
        if (phase === 'before-response') span?.end(failure.code);
        // A failure mid-body follows a response already recorded: count the request once. A client
        // that left first is not the new service's failure (Ficus cut the upstream call itself).
        const row = FAILURES[failure.code];
        if (side === 'new' && route && phase === 'before-response' && !res.destroyed && !row.clientFault) deps.breaker?.record(route, false);
        const next = nextStep({ kind: 'failure', code: failure.code, phase }, { canFallBack, isFallback: fallback !== undefined, safe, clientCommitted: res.headersSent || res.destroyed });
        if (next.step === 'destroy') return void res.destroy();
        if (next.step === 'replay-on-legacy') return replayOnLegacy(next.reason, upstreamMs, undefined);
        observeServed(deps, input, side, next.served, upstreamMs, fallback);
        respondWithFailure(deps, input, failure, upstreamMs, mode, side, fallback);
      },
    });
  };

  const replayOnLegacy = (reason: FallbackReason, newMs: number, newStatus: number | undefined) => {
    input.trace?.fallback(reason);
    deps.observe({ type: 'mirrored', route: route!.id, side: 'new', status: newStatus === undefined ? (reason === 'timeout' ? 'timeout' : 'error') : statusClassOf(newStatus), latencyMs: newMs });
    // A replay needs the whole body: wait for the tee (immediate for body-less requests).
    const body = requestBody ?? Promise.resolve<TeedBody>({ bytes: Buffer.alloc(0), overCap: false });
    if (!req.complete) req.resume();
    void body.then((teed) => {
      if (res.destroyed) return;
      if (teed.bytes === undefined) {
        observeServed(deps, input, 'new', 'error', newMs, undefined);
        const failure = { code: 'UPSTREAM_ERROR' } as UpstreamFailure;
        return respondWithFailure(deps, input, failure, newMs, mode, 'new', undefined);
      }
      attempt(input.legacy!, 'legacy', teed.bytes, reason);
    });
  };

  attempt(input.upstream, input.side, undefined, input.diverted);
  upstreamRequested = true;
  startTee?.();
}

function observeServed(deps: HandlerDeps, input: ServeInput, side: Side, status: StatusClass, latencyMs: number, fallback: FallbackReason | undefined): void {
  if (!input.route || !input.decision) return;
  deps.observe({ type: 'served', route: input.route.id, mode: input.decision.mode, side, status, latencyMs, fallback });
}

function respondWithFailure(deps: HandlerDeps, input: ServeInput, failure: UpstreamFailure, upstreamMs: number, mode: string, side: Side, fallback: FallbackReason | undefined): void {
  const requestId = deps.newRequestId();
  const row = FAILURES[failure.code];
  const body = failureBody(failure.code, requestId);
  input.res.writeHead(row.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Request-Id': requestId,
    'Server-Timing': serverTimingValue(upstreamMs, mode),
    // The rest of an unfinished body is never read: the connection cannot carry another request.
    ...(row.clientFault || !input.req.complete ? { Connection: 'close' } : {}),
  });
  input.res.end(body);
  input.trace?.end(row.status, side, true, failure.code);
  deps.onExchangeEnd?.({
    requestId, method: input.method, route: input.route, decision: input.decision, servedBy: side, status: row.status,
    upstreamMs, totalMs: performance.now() - input.startedAt, fallback, failure: failure.code, complete: true,
  }, input.rawUrl);
}

function finish(deps: HandlerDeps, input: ServeInput, side: Side, status: number, upstreamMs: number, complete: boolean, fallback: FallbackReason | undefined): void {
  input.trace?.end(status, side, complete);
  deps.onExchangeEnd?.({
    requestId: undefined, method: input.method, route: input.route, decision: input.decision, servedBy: side, status,
    upstreamMs, totalMs: performance.now() - input.startedAt, fallback, complete,
  }, input.rawUrl);
}

/** Our span's traceparent replaces the client's (the client's one is the parent, read by the tracer). */
function withoutTraceparent(headers: HeaderEntries): HeaderEntries {
  return headers.filter(([name]) => name.length !== 11 || name.toLowerCase() !== 'traceparent');
}
