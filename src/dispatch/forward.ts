// One upstream call for the request path: the primary and its replay on legacy go through the
// forwarding library's adapter (proxy-adapter.ts, with every correction Ficus makes to it), upgrades
// through forward-upgrade.ts; copies (shadow-call.ts) render the same way (upstream-request.ts).
// This file owns what guards a call: which agent, the timeouts of each phase, and one outcome —
// `onResponse` at upstream headers, or `onFailure` with the phase it happened in.
import type { IncomingMessage, ServerResponse, ClientRequest } from 'node:http';
import type { Duplex } from 'node:stream';
import { hasRequestBody } from './body-tee.ts';
import { classifyUpstreamError, UpstreamFailure } from './failures.ts';
import { forwardUpgrade } from './forward-upgrade.ts';
import type { HeaderEntries } from './hop-headers.ts';
import { createProxyAdapter } from './proxy-adapter.ts';
import { watchRequestBody } from './request-body-watch.ts';
import type { ResolvedTimeouts, Upstream } from './upstream-pool.ts';

export type FailurePhase = 'before-response' | 'during-response';

export interface ForwardCall {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly upstream: Upstream;
  readonly timeouts: ResolvedTimeouts;
  readonly headers: HeaderEntries;
  /** The request target exactly as the client sent it. */
  readonly rawPath: string;
  /** Replay these bytes instead of streaming the client's body (fallback to legacy). */
  readonly body?: Buffer;
  onResponse(proxyRes: IncomingMessage): void;
  onFailure(failure: UpstreamFailure, phase: FailurePhase): void;
}

export interface Forwarder {
  forward(call: ForwardCall): void;
  /** Proxies a WebSocket upgrade; `headers` are the handshake headers rebuilt by the caller (case and order kept). */
  forwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, upstream: Upstream, headers: HeaderEntries, onError: (failure: UpstreamFailure) => void): void;
  close(): void;
}

interface CallState {
  readonly call: ForwardCall;
  /** The client's body is still arriving: the call uses the upload pool and the body idle timeout. */
  readonly streaming: boolean;
  responded: boolean;
  settled: boolean;
  proxyReq?: ClientRequest;
  /** Waiting for a connection from the pool (queueMs), then for the response headers (headersMs). */
  timer?: NodeJS.Timeout;
  stopBodyWatch?: () => void;
}

export function createForwarder(): Forwarder {
  const adapter = createProxyAdapter();
  return {
    forward(call) {
      const streaming = call.body === undefined && !call.req.complete && hasRequestBody(call.req);
      const state: CallState = { call, streaming, responded: false, settled: false };
      // Until the pool hands out a connection (onSocket). The headers timer starts only once the
      // whole request is sent: a 2 MB upload over 40 s is not a 30 s upstream wait.
      state.timer = setTimeout(() => fail(state, new UpstreamFailure('UPSTREAM_QUEUE_TIMEOUT')), call.timeouts.queueMs);
      abortWhenClientLeaves(state);
      adapter.web({
        req: call.req,
        res: call.res,
        upstream: call.upstream,
        agent: streaming ? call.upstream.uploadAgent : call.upstream.agent,
        method: call.req.method ?? 'GET',
        rawPath: call.rawPath,
        headers: call.headers,
        body: call.body,
        onRequest: (proxyReq) => guardUpstreamRequest(proxyReq, state),
        onError: (error) => fail(state, classifyUpstreamError(error)),
      });
    },
    forwardUpgrade,
    close() {
      adapter.close();
    },
  };
}

/** Arms each phase's timer on the upstream request (created, not yet written to). */
function guardUpstreamRequest(proxyReq: ClientRequest, state: CallState): void {
  const { call } = state;
  state.proxyReq = proxyReq;
  proxyReq.once('socket', (socket) => {
    if (state.settled || call.res.destroyed) {
      proxyReq.destroy();
      return;
    }
    clearTimeout(state.timer); // the queue wait is over: a connection was handed out
    if (state.streaming) state.stopBodyWatch = watchRequestBody(call.req, call.timeouts.bodyIdleMs, () => fail(state, new UpstreamFailure('REQUEST_BODY_TIMEOUT')));
    if (socket.connecting) {
      const connectTimer = setTimeout(() => proxyReq.destroy(new UpstreamFailure('UPSTREAM_CONNECT_TIMEOUT')), call.timeouts.connectMs);
      socket.once('connect', () => clearTimeout(connectTimer));
      proxyReq.once('close', () => clearTimeout(connectTimer));
    }
    proxyReq.setTimeout(call.timeouts.idleMs, () => proxyReq.destroy(new UpstreamFailure('UPSTREAM_IDLE_TIMEOUT')));
  });
  proxyReq.once('finish', () => {
    if (state.settled || state.responded) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => fail(state, new UpstreamFailure('UPSTREAM_HEADERS_TIMEOUT')), call.timeouts.headersMs);
  });
  proxyReq.once('response', (proxyRes) => {
    // The body watch stays: an upstream may answer before the upload ends (a streaming echo, an
    // early 413), and a client that then stops sending must still be cut after bodyIdleMs (it once
    // held the upstream connection for as long as it liked).
    clearTimeout(state.timer);
    if (state.settled) {
      proxyRes.destroy();
      return;
    }
    state.responded = true;
    call.onResponse(proxyRes);
  });
}

/**
 * The client's response closed before it finished: the client left, so stop the upstream work and
 * its timers too. After it finished, only the body watch may still run — until the request body
 * ends, or stalls and is cut (a finished answer does not entitle the upload to hold the upstream).
 */
function abortWhenClientLeaves(state: CallState): void {
  state.call.res.once('close', () => {
    clearTimeout(state.timer);
    if (state.call.res.writableFinished) return;
    state.stopBodyWatch?.();
    state.proxyReq?.destroy();
    // Before any answer: the exchange ends here, and says why (it was never recorded at all).
    if (!state.responded && !state.settled) {
      state.settled = true;
      state.call.onFailure(new UpstreamFailure('CLIENT_GONE'), 'before-response');
    }
  });
}

function stopTimers(state: CallState): void {
  clearTimeout(state.timer);
  state.stopBodyWatch?.();
}

function fail(state: CallState, failure: UpstreamFailure): void {
  stopTimers(state);
  if (state.responded) {
    state.proxyReq?.destroy();
    state.call.onFailure(failure, 'during-response');
    return;
  }
  if (state.settled) return;
  state.settled = true;
  state.proxyReq?.destroy();
  state.call.onFailure(failure, 'before-response');
}
