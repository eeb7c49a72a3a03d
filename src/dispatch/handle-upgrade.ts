// WebSocket (and other Upgrade) requests never reach Hono: the server's `upgrade` event lands
// here. Same match and decision as any request; the chosen upstream gets the handshake and then
// the raw byte stream both ways. No mirroring and no fallback: a socket cannot be replayed.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { decide } from '../decision/decide.ts';
import { matchRoute } from '../routing/route-table.ts';
import { extractStickyKey } from '../routing/sticky-key.ts';
import { FAILURES } from './failures.ts';
import { buildRequestHeaders } from './hop-headers.ts';
import type { HandlerDeps } from './handle-request.ts';
import { screenRequest } from './request-screen.ts';

export function createUpgradeHandler(deps: HandlerDeps): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return function handleUpgrade(req, socket, head) {
    const screened = screenRequest(req, deps.screen);
    if (!screened.ok) {
      deps.onRefused?.(screened.reason);
      socket.on('error', () => socket.destroy());
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    req.url = screened.target;
    const state = deps.state();
    const rawUrl = screened.target;
    const found = matchRoute(state.table, req.method ?? 'GET', rawUrl);
    if (found?.kind === 'refused') deps.onPathRefused?.(found);
    const match = found?.kind === 'matched' ? found : undefined;
    let upstream = state.upstreams.get('legacy')!;
    if (match) {
      const key = extractStickyKey(match, { rawUrl, headers: req.headers });
      const decision = decide(deps.flags, { route: match.route, stickyHash: key === undefined ? undefined : () => deps.hashStickyKey(key), killSwitch: deps.killSwitch() });
      // An open breaker keeps upgrades on legacy too (a socket cannot fall back once it is open).
      if (decision.serve === 'new' && (deps.breaker?.allowNew(match.route) ?? true)) upstream = state.upstreams.get(match.route.config.new)!;
    }
    const peer = req.socket.remoteAddress ?? '';
    const forwarded = { remoteAddress: peer, protocol: deps.protocol, trusted: deps.isTrustedProxy(peer) };
    // Rebuilt from rawHeaders like any request (case and repeats kept), keeping Connection/Upgrade.
    const headers = buildRequestHeaders(req.rawHeaders, { forwarded, upgrade: true, hostOverride: upstream.rewriteHost ? upstream.hostHeader : undefined, drop: deps.dropRequestHeaders });
    socket.on('error', () => socket.destroy());
    deps.forwarder.forwardUpgrade(req, socket, head, upstream, headers, (failure) => {
      if (socket.writable) socket.end(`HTTP/1.1 ${FAILURES[failure.code].status} Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      else socket.destroy();
    });
  };
}
