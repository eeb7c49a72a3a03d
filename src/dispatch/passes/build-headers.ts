// Pass 5: the upstream request's headers, rebuilt from rawHeaders (case and repeats kept), hop-by-hop
// fields stripped, X-Forwarded-* set for the peer (appended to only for a trusted proxy).
import type { PassOutcome, RoutedExchange } from '../exchange.ts';
import type { HandlerDeps } from '../handler-deps.ts';
import { buildRequestHeaders } from '../hop-headers.ts';

export function buildHeaders(exchange: RoutedExchange, deps: HandlerDeps): PassOutcome {
  const { req, upstream } = exchange;
  const peer = req.socket.remoteAddress ?? '';
  const forwarded = { remoteAddress: peer, protocol: deps.protocol, trusted: deps.isTrustedProxy(peer) };
  // A request's list also feeds a replay on legacy and copies to other upstreams, so Host stays the
  // client's here and each call sets its own upstream's. An upgrade makes exactly one call: its
  // upstream's Host goes in now, and Connection/Upgrade are kept for the handshake.
  exchange.headers = exchange.upgrade
    ? buildRequestHeaders(req.rawHeaders, { forwarded, upgrade: true, hostOverride: upstream.rewriteHost ? upstream.hostHeader : undefined, drop: deps.dropRequestHeaders })
    : buildRequestHeaders(req.rawHeaders, { forwarded, drop: deps.dropRequestHeaders });
  return 'next';
}
