// The only importer of http-proxy. http-proxy streams the request to the upstream over a keep-alive
// agent; Ficus corrects what it gets wrong for a faithful hop (measured on Node 24, see PITFALLS):
//  - it collapses `//` in paths (urlJoin)          → the raw request target is restored (hookAgent)
//  - it lowercases and merges headers (req.headers) → headers are rebuilt from rawHeaders (hookAgent)
//  - it never aborts the upstream when the client leaves (node-http-proxy#1559) → we do, on res 'close'
//  - its proxyReq hook is skipped for `Expect` requests → Node's server answers 100-continue itself
//    and the Expect field is not forwarded
//  - its `ws` pass writes the 101 from proxyRes.headers (lowercased, merged) → upgrades are forwarded
//    here with node:http and raw header lists both ways
// The response is handled by the caller (selfHandleResponse): `onResponse` fires at upstream headers.
import { request as httpRequest, type IncomingMessage, type ServerResponse, type ClientRequest, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable, type Duplex } from 'node:stream';
import httpProxy from 'http-proxy';
import { hasRequestBody } from './body-tee.ts';
import { classifyUpstreamError, UpstreamFailure } from './failures.ts';
import type { HeaderEntries } from './hop-headers.ts';
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

const CALL = 'ficusCall';
const EMPTY = Buffer.alloc(0);

/**
 * The call whose upstream request http-proxy is creating right now. http-proxy calls
 * http.request() synchronously inside proxy.web(), and http.request() hands the new request to its
 * agent (addRequest) synchronously in its constructor — before any byte can be written. Rewriting
 * the path and headers there, rather than on http-proxy's 'proxyReq' (emitted on 'socket'), means
 * a request queued for a free socket can never have its headers rendered before we fix them.
 */
let creating: CallState | undefined;
const hookedAgents = new WeakSet<object>();

function hookAgent(agent: object): void {
  if (hookedAgents.has(agent)) return;
  hookedAgents.add(agent);
  const target = agent as { addRequest(req: ClientRequest, options: unknown): void };
  const addRequest = target.addRequest.bind(agent);
  target.addRequest = (req, options) => {
    const state = creating;
    creating = undefined;
    if (state) {
      state.proxyReq = req;
      rewriteUpstreamRequest(req, state.call);
    }
    addRequest(req, options);
  };
}

function rewriteUpstreamRequest(proxyReq: ClientRequest, call: ForwardCall): void {
  // Rendered already only if http-proxy passed an Expect field (forward() removes it): never throw here.
  if (proxyReq.headersSent) return;
  proxyReq.path = call.rawPath;
  for (const name of proxyReq.getHeaderNames()) proxyReq.removeHeader(name);
  for (const [name, value] of call.headers) proxyReq.setHeader(name, value);
  if (call.upstream.rewriteHost) proxyReq.setHeader('Host', call.upstream.hostHeader);
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
  // toProxy: take req.url as the path instead of url.parse()-ing it (1% of the proxy's CPU); the raw
  // target is written onto the upstream request anyway (hookAgent).
  const proxy = httpProxy.createProxyServer({ selfHandleResponse: true, xfwd: false, prependPath: false, ws: true, toProxy: true });
  // Emitted instead of the callback when the client is already gone; nothing is left to answer.
  proxy.on('econnreset', () => {});
  proxy.on('error', () => {});
  proxy.on('proxyReq', (proxyReq, _req, _res, options) => {
    const state = (options as Record<string, unknown>)[CALL] as CallState | undefined;
    if (state) prepareUpstreamRequest(proxyReq, state);
  });

  return {
    forward(call) {
      const streaming = call.body === undefined && !call.req.complete && hasRequestBody(call.req);
      const state: CallState = { call, streaming, responded: false, settled: false };
      // Until the pool hands out a connection (prepareUpstreamRequest). The headers timer starts
      // only once the whole request is sent: a 2 MB upload over 40 s is not a 30 s upstream wait.
      state.timer = setTimeout(() => fail(state, new UpstreamFailure('UPSTREAM_QUEUE_TIMEOUT')), call.timeouts.queueMs);
      abortWhenClientLeaves(state);
      const agent = streaming ? call.upstream.uploadAgent : call.upstream.agent;
      const options = {
        target: call.upstream.target,
        agent,
        buffer: call.body !== undefined ? Readable.from([call.body.length ? call.body : EMPTY]) : undefined,
        [CALL]: state,
      };
      hookAgent(agent);
      creating = state;
      // http-proxy copies req.headers onto the upstream request (validating each field), and
      // hookAgent then replaces them all with the faithful list: hide them from http-proxy so that
      // work is done once. IncomingMessage.headers is an accessor with a setter; restored at once.
      const headers = call.req.headers;
      call.req.headers = {};
      try {
        proxy.web(call.req, call.res, options as httpProxy.ServerOptions, (error) => fail(state, classifyUpstreamError(error)));
      } finally {
        creating = undefined;
        call.req.headers = headers;
      }
      state.proxyReq?.once('finish', () => {
        if (state.settled || state.responded) return;
        clearTimeout(state.timer);
        state.timer = setTimeout(() => fail(state, new UpstreamFailure('UPSTREAM_HEADERS_TIMEOUT')), call.timeouts.headersMs);
      });
    },
    forwardUpgrade(req, socket, head, upstream, headers, onError) {
      forwardUpgrade(req, socket, head, upstream, headers, onError);
    },
    close() {
      proxy.close();
    },
  };
}

function prepareUpstreamRequest(proxyReq: ClientRequest, state: CallState): void {
  const { call } = state;
  state.proxyReq = proxyReq;
  if (state.settled || call.res.destroyed) {
    proxyReq.destroy();
    return;
  }
  clearTimeout(state.timer); // the queue wait is over: a connection was handed out
  if (state.streaming) state.stopBodyWatch = watchRequestBody(call.req, call.timeouts.bodyIdleMs, () => fail(state, new UpstreamFailure('REQUEST_BODY_TIMEOUT')));
  const socket = proxyReq.socket;
  if (socket?.connecting) {
    const connectTimer = setTimeout(() => proxyReq.destroy(new UpstreamFailure('UPSTREAM_CONNECT_TIMEOUT')), call.timeouts.connectMs);
    socket.once('connect', () => clearTimeout(connectTimer));
    proxyReq.once('close', () => clearTimeout(connectTimer));
  }
  proxyReq.setTimeout(call.timeouts.idleMs, () => proxyReq.destroy(new UpstreamFailure('UPSTREAM_IDLE_TIMEOUT')));
  proxyReq.once('response', (proxyRes) => {
    stopTimers(state);
    if (state.settled) {
      proxyRes.destroy();
      return;
    }
    state.responded = true;
    call.onResponse(proxyRes);
  });
}

/** The client left before the exchange finished: stop the upstream work and its timers too. */
function abortWhenClientLeaves(state: CallState): void {
  state.call.res.once('close', () => {
    if (state.call.res.writableFinished) return;
    stopTimers(state);
    if (!state.responded) state.settled = true;
    state.proxyReq?.destroy();
  });
}

function stopTimers(state: CallState): void {
  clearTimeout(state.timer);
  state.stopBodyWatch?.();
}

function fail(state: CallState, failure: UpstreamFailure): void {
  stopTimers(state);
  if (state.responded) {
    state.call.onFailure(failure, 'during-response');
    return;
  }
  if (state.settled) return;
  state.settled = true;
  state.proxyReq?.destroy();
  state.call.onFailure(failure, 'before-response');
}

/**
 * A WebSocket (or other Upgrade) handshake to the upstream, then raw bytes both ways. Not through
 * http-proxy: its `ws` pass renders the 101 from `proxyRes.headers`, lowercasing and merging
 * names, and sends the request from `req.headers`.
 */
function forwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, upstream: Upstream, headers: HeaderEntries, onError: (failure: UpstreamFailure) => void): void {
  const flat: string[] = [];
  for (const [name, value] of headers) for (const v of Array.isArray(value) ? value : [value]) flat.push(name, v);
  const request = upstream.url.protocol === 'https:' ? httpsRequest : httpRequest;
  const proxyReq = request({
    protocol: upstream.target.protocol,
    hostname: upstream.target.hostname,
    port: upstream.target.port,
    method: req.method,
    path: req.url,
    headers: flat as unknown as OutgoingHttpHeaders,
    setHost: false,
    agent: upstream.agent,
  });
  let answered = false;
  proxyReq.on('error', (error) => {
    if (answered) socket.destroy();
    else onError(classifyUpstreamError(error));
  });
  socket.once('close', () => {
    if (!answered) proxyReq.destroy();
  });
  proxyReq.on('response', (proxyRes) => {
    // The upstream declined the upgrade: relay its answer as-is and close.
    answered = true;
    socket.write(statusBlock(proxyRes));
    proxyRes.pipe(socket);
  });
  proxyReq.on('upgrade', (proxyRes, proxySocket, proxyHead) => {
    answered = true;
    proxySocket.on('error', () => socket.destroy());
    socket.on('error', () => proxySocket.destroy());
    proxySocket.once('close', () => socket.destroy());
    socket.once('close', () => proxySocket.destroy());
    proxySocket.setTimeout(0);
    proxySocket.setNoDelay(true);
    proxySocket.setKeepAlive(true, 0);
    socket.write(statusBlock(proxyRes));
    if (proxyHead.length) socket.write(proxyHead);
    if (head.length) proxySocket.write(head);
    proxySocket.pipe(socket);
    socket.pipe(proxySocket);
  });
  proxyReq.end();
}

function statusBlock(res: IncomingMessage): string {
  const lines = [`HTTP/1.1 ${res.statusCode ?? 502} ${res.statusMessage ?? ''}`];
  const raw = res.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) lines.push(`${raw[i]}: ${raw[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}
