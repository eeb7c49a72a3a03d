// WebSocket (and other Upgrade) requests never reach Hono: the server's `upgrade` event lands
// here. Same match and decision as any request; the chosen upstream gets the handshake and then
// the raw byte stream both ways. No mirroring and no fallback: a socket cannot be replayed.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { decide } from '../decision/decide.ts';
import { matchRoute } from '../routing/route-table.ts';
import { extractStickyKey } from '../routing/sticky-key.ts';
import { FAILURES } from './failures.ts';
import type { HandlerDeps } from './handle-request.ts';

export function createUpgradeHandler(deps: HandlerDeps): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return function handleUpgrade(req, socket, head) {
    const state = deps.state();
    const rawUrl = req.url ?? '/';
    const match = matchRoute(state.table, req.method ?? 'GET', rawUrl);
    let upstream = state.upstreams.get('legacy')!;
    if (match) {
      const key = extractStickyKey(match, { rawUrl, headers: req.headers });
      const decision = decide(deps.flags, { route: match.route, stickyHash: key === undefined ? undefined : deps.hashStickyKey(key), killSwitch: deps.killSwitch() });
      if (decision.serve === 'new') upstream = state.upstreams.get(match.route.config.new)!;
    }
    const peer = req.socket.remoteAddress ?? '';
    const trusted = deps.isTrustedProxy(peer);
    const prior = req.headers['x-forwarded-for'];
    req.headers['x-forwarded-for'] = trusted && prior ? `${prior}, ${peer}` : peer;
    req.headers['x-forwarded-proto'] = trusted && req.headers['x-forwarded-proto'] ? req.headers['x-forwarded-proto'] : deps.protocol === 'https' ? 'wss' : 'ws';
    for (const name of deps.dropRequestHeaders ?? []) delete req.headers[name];
    socket.on('error', () => socket.destroy());
    deps.forwarder.forwardUpgrade(req, socket, head, upstream, (failure) => {
      if (socket.writable) socket.end(`HTTP/1.1 ${FAILURES[failure.code].status} Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      else socket.destroy();
    });
  };
}
