// The only importer of the forwarding library, and every correction Ficus makes to it.
//
// Library: http-proxy-3 2.0.1, the maintained same-API rewrite of http-proxy (used by Vite), chosen
// by measurement over http-proxy 1.18.1 (no release since 2020; it calls util._extend, DEP0060, on
// Node 24 — tests/core/no-deprecated-api.test.ts crashes on it under --throw-deprecation). Both
// pass the fidelity, route-confusion and smuggling suites with the corrections below (80/80). CPU
// per 1 KB request (wrk -c32, user+sys of the proxy process from /proc, interleaved rounds, median;
// this 2-core VM was shared with other work, load average 4-20, so differences under ~15% are noise):
//                          run 1 (3 rounds)   run 2 (7 rounds)
//   raw Node pipe               119 µs             154 µs
//   plain http-proxy            121 µs             235 µs
//   plain http-proxy-3          129 µs             163 µs
//   Ficus on http-proxy         156 µs             382 µs
//   Ficus on http-proxy-3       164 µs             362 µs
// Neither is measurably cheaper; http-proxy-3 is kept because it is maintained and calls no
// deprecated API. (The library now does little per call — see below — so its cost is mostly the
// per-call option spreads and passes; a direct http.request would save that, a decision for the
// design, not this adapter.)
//
// What the library still does for Ficus: open the upstream request on our agent, pipe the client's
// body (or a replay buffer) into it, and route errors of both sides to one callback. The response is
// Ficus's own (`selfHandleResponse`), and so are upgrades (forward-upgrade.ts). Corrections, each
// with a test in tests/core/proxy-adapter.test.ts named after what it proves:
//  1. Path and header lines. The library builds the upstream request from `req.headers` (names
//     lowercased, repeats merged or grouped by name, several Cookie lines joined with `; `) and joins
//     the target onto the base path (`OPTIONS *` reaches the upstream as `/*`). Ficus renders the
//     request line and the header lines itself (upstream-request.ts, the same rendering every copy
//     and upgrade gets), through a per-call view of the agent: ClientRequest hands itself to
//     `agent.addRequest` synchronously in its constructor, before any byte can be written, so the
//     rendering always wins — even for a request that waits in the agent's queue for a socket.
//     Node has no public call that writes interleaved repeats (setHeader/appendHeader group by
//     name), so the head is rendered with ClientRequest's own `_storeHeader(line, flatList)` — the
//     renderer http.request({ headers: [...] }) uses. It is not public API: Node is pinned (24) and
//     the tests below fail if it ever renders otherwise.
//  2. `req.headers` is hidden from the library during the call: its setupOutgoing copies every field
//     (work correction 1 discards) and its `deleteLength` pass *writes* into them (a DELETE without
//     Content-Length gained `content-length: 0` and lost its Transfer-Encoding in the client's
//     `req.headers`, which Ficus reads again to decide whether a body is coming).
//  3. The upstream request is handed to the caller synchronously (`onRequest`), not through the
//     library's 'proxyReq' event: that fires only on 'socket' and never for a request carrying
//     Expect, so the timers that guard the call would start late or never.
//  4. Errors: the callback receives them; 'econnreset' (the client already gone) and 'error' get
//     listeners, since an EventEmitter without an 'error' listener throws.
//  5. The library switches every call to its fetch path when FORCE_FETCH_PATH=true is in the
//     environment (read per call); that path skips the agent, so correction 1 never runs and the
//     call waits for a socket until queueMs. main.ts deletes the variable at start
//     (tests/core/library-env-switch.test.ts).
//  6. The library logs each request's raw target through `debug` when DEBUG names http-proxy-3 (or
//     `*`, which an operator sets to debug something else): the target may carry a patient id. Its
//     namespace is switched off when this module loads, whatever DEBUG says, keeping every other
//     namespace the operator enabled (tests/core/library-env-switch.test.ts).
// No state lives at module level: each call's corrections close over that call.
import type { Agent, ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import createDebug from 'debug';
import { createProxyServer, type ServerOptions } from 'http-proxy-3';
import { headerLinesFor, requestLineFor, type UpstreamRequestSpec } from './upstream-request.ts';

silenceLibraryDebug();

/** Correction 6: `debug` keeps one list of enabled namespaces per process; drop the library's from it. */
function silenceLibraryDebug(): void {
  const enabled = createDebug.disable();
  createDebug.enable(enabled ? `${enabled},-http-proxy-3*` : '');
}

export interface ProxyCall extends UpstreamRequestSpec {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Replay these bytes instead of streaming the client's body (a fallback to legacy). */
  readonly body?: Buffer;
  /** The upstream request exists and nothing of it has been written yet. */
  onRequest(proxyReq: ClientRequest): void;
  /** A failure of either side of the call (connect, reset, the client's request stream). */
  onError(error: Error): void;
}

export interface ProxyAdapter {
  web(call: ProxyCall): void;
  close(): void;
}

/** What Node's ClientRequest uses to render its head; the public API cannot interleave repeats. */
interface RenderableRequest {
  _storeHeader(firstLine: string, headers: string[]): void;
}

const EMPTY = Buffer.alloc(0);

export function createProxyAdapter(): ProxyAdapter {
  // toProxy: the library takes req.url as the path instead of parsing it (correction 1 replaces it
  // anyway); xfwd off: hop-headers.ts sets X-Forwarded-* by Ficus's own trust rules.
  const proxy = createProxyServer({ selfHandleResponse: true, xfwd: false, prependPath: false, ws: false, toProxy: true });
  proxy.on('econnreset', ignore);
  proxy.on('error', ignore);
  return {
    web(call) {
      const options: ServerOptions = {
        target: call.upstream.target,
        agent: renderingAgent(call),
        buffer: call.body !== undefined ? Readable.from([call.body.length ? call.body : EMPTY]) : undefined,
      };
      const headers = call.req.headers;
      call.req.headers = {}; // correction 2; IncomingMessage.headers has a setter, restored at once
      try {
        proxy.web(call.req, call.res, options, (error) => call.onError(error));
      } catch (error) {
        // Node refused the head as rendered (a value it will not write): nothing was sent.
        call.onError(error as Error);
      } finally {
        call.req.headers = headers;
      }
    },
    close() {
      proxy.close();
    },
  };
}

/**
 * Correction 1 (and 3): a view of the pool's agent whose addRequest renders the request's head
 * from the call before handing the request to the real agent. Everything else (pooling, the
 * keepAlive flag a reload turns off, free-socket events) is the real agent's, through the prototype.
 */
function renderingAgent(call: ProxyCall): Agent {
  const view = Object.create(call.agent) as Agent & { addRequest(req: ClientRequest, options: unknown): void };
  const real = call.agent as unknown as { addRequest(req: ClientRequest, options: unknown): void };
  view.addRequest = (proxyReq: ClientRequest, options: unknown) => {
    proxyReq.path = call.rawPath;
    // Rendered now, from the flat list, exactly as http.request({ headers: [...] }) renders it:
    // ClientRequest's own _implicitHeader would render the grouped setHeader map instead.
    (proxyReq as unknown as RenderableRequest)._storeHeader(requestLineFor(call), headerLinesFor(call.upstream, call.headers));
    call.onRequest(proxyReq);
    real.addRequest.call(call.agent, proxyReq, options);
  };
  return view;
}

function ignore(): void {}
