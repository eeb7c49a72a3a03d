// A WebSocket (or other Upgrade) handshake to the upstream, then raw bytes both ways. Not through
// the forwarding library: its `ws` pass renders the 101 from `proxyRes.headers` (lowercased,
// merged) and the request from `req.headers`. The request goes out like every other upstream call
// (upstream-request.ts); the 101 comes back from its raw header list.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { classifyUpstreamError, type UpstreamFailure } from './failures.ts';
import type { HeaderEntries } from './hop-headers.ts';
import type { Upstream } from './upstream-pool.ts';
import { openUpstreamRequest } from './upstream-request.ts';

export function forwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, upstream: Upstream, headers: HeaderEntries, onError: (failure: UpstreamFailure) => void): void {
  let proxyReq: ReturnType<typeof openUpstreamRequest>;
  try {
    proxyReq = openUpstreamRequest({ upstream, agent: upstream.agent, method: req.method ?? 'GET', rawPath: req.url ?? '/', headers });
  } catch (error) {
    onError(classifyUpstreamError(error));
    return;
  }
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
