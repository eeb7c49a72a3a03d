// WebSocket (and other Upgrade) requests never reach Hono: the server's `upgrade` event lands
// here. They run the request path's first passes (screen, match, decide, breaker, headers), then
// the chosen upstream gets the handshake and the raw byte stream both ways. No mirroring and no
// fallback: a socket cannot be replayed.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { openUpgradeExchange, type Pass, type PassOutcome, type UpgradeExchange } from './exchange.ts';
import { FAILURES } from './failures.ts';
import type { HandlerDeps } from './handler-deps.ts';
import { buildHeaders } from './passes/build-headers.ts';
import { decideMode } from './passes/decide-mode.ts';
import { divertOnOpenBreaker } from './passes/divert-on-open-breaker.ts';
import { match } from './passes/match.ts';
import { screenTarget } from './passes/screen.ts';

export const UPGRADE_PASSES: readonly Pass<UpgradeExchange>[] = Object.freeze([
  screenUpgrade,
  match,
  decideMode,
  divertOnOpenBreaker,
  buildHeaders,
  forwardUpgrade,
]);

export function createUpgradeHandler(deps: HandlerDeps): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return function handleUpgrade(req, socket, head) {
    const exchange = openUpgradeExchange(req, socket, head, deps);
    for (const pass of UPGRADE_PASSES) if (pass(exchange, deps) === 'done') return;
  };
}

/** The screen pass of a request, answered on the raw socket (there is no response object). */
function screenUpgrade(exchange: UpgradeExchange, deps: HandlerDeps): PassOutcome {
  if (screenTarget(exchange, deps) === undefined) return 'next';
  exchange.socket.on('error', () => exchange.socket.destroy());
  exchange.socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  return 'done';
}

function forwardUpgrade(exchange: UpgradeExchange, deps: HandlerDeps): PassOutcome {
  const { req, socket, head, upstream, headers } = exchange;
  socket.on('error', () => socket.destroy());
  deps.forwarder.forwardUpgrade(req, socket, head, upstream, headers, (failure) => {
    if (socket.writable) socket.end(`HTTP/1.1 ${FAILURES[failure.code].status} Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  return 'done';
}
