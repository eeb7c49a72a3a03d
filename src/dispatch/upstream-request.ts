// How every request Ficus sends to an upstream is addressed and rendered — the primary, its replay
// on legacy, every copy and every upgrade handshake: the request target exactly as the client sent
// it, the header lines in the client's order and case (one line each), this upstream's own Host
// when it rewrites Host, on one of the upstream pool's agents (rebuilt on reload, so no call can
// hold a stale CA or the wrong protocol).
import { request as httpRequest, type Agent, type ClientRequest, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HeaderEntries } from './hop-headers.ts';
import type { Upstream } from './upstream-pool.ts';

export interface UpstreamRequestSpec {
  readonly upstream: Upstream;
  /** One of `upstream`'s agents: `agent`, `uploadAgent` or `copyAgent`. */
  readonly agent: Agent;
  readonly method: string;
  /** The request target exactly as the client sent it. */
  readonly rawPath: string;
  readonly headers: HeaderEntries;
}

/**
 * The header lines as a flat list (name, value, name, value…), which Node renders as given: one
 * line per entry, in order, case kept, nothing added but its own framing and Connection. (An
 * object or `setHeader` would group repeats by name and join several Cookie lines with `; `.)
 * The Host line becomes this upstream's own when it rewrites Host: the list may have been built
 * for another upstream (a copy, a replay), so each call sets its own.
 */
export function headerLinesFor(upstream: Upstream, headers: HeaderEntries): string[] {
  const lines: string[] = [];
  let hostSeen = false;
  for (const [name, value] of headers) {
    if (upstream.rewriteHost && name.length === 4 && name.toLowerCase() === 'host') {
      if (!hostSeen) lines.push(name, upstream.hostHeader);
      hostSeen = true;
      continue;
    }
    lines.push(name, value);
  }
  if (upstream.rewriteHost && !hostSeen) lines.push('Host', upstream.hostHeader);
  return lines;
}

/** The request line Node would write for this spec (kept in one place for the adapter's correction). */
export function requestLineFor(spec: Pick<UpstreamRequestSpec, 'method' | 'rawPath'>): string {
  return `${spec.method} ${spec.rawPath} HTTP/1.1\r\n`;
}

/**
 * Opens a request to the upstream; the caller writes the body (or ends it) and listens for
 * 'response', 'upgrade' and 'error'. Throws synchronously on what Node refuses (a header value with
 * a newline, an agent of the wrong protocol), like http.request itself.
 */
export function openUpstreamRequest(spec: UpstreamRequestSpec): ClientRequest {
  const { target } = spec.upstream;
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return send({
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port,
    method: spec.method,
    path: spec.rawPath,
    // A flat array is rendered line by line (ClientRequest's array-headers path); @types/node
    // declares only the object form.
    headers: headerLinesFor(spec.upstream, spec.headers) as unknown as OutgoingHttpHeaders,
    setHost: false,
    agent: spec.agent,
  });
}
