// The edge: Hono on @hono/node-server (its request listener on our own server), with the proxy handler taking the raw Node request and
// response from the node-server bindings. Nothing touches the response after the handler (a
// middleware that does makes node-server send an empty 200: see PITFALLS), and the marker is
// imported at module load. Malformed requests never reach the handler: Node's strict parser
// rejects them and `clientError` answers 400/431 straight on the socket.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createHttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';

export interface EdgeServerOptions {
  readonly handleRequest: (req: IncomingMessage, res: ServerResponse) => void;
  readonly handleUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** Counted and logged once per kind; the socket gets a 400 or 431 and is closed. */
  readonly onClientError?: (code: string) => void;
  readonly tls?: { readonly key: Buffer; readonly cert: Buffer };
  readonly maxHeaderSize?: number;
  readonly headersTimeoutMs?: number;
  readonly keepAliveTimeoutMs?: number;
}

export interface EdgeServer {
  readonly server: Server;
  /** Requests being answered right now (the drain waits for them). */
  inFlight(): number;
  /**
   * Stops keeping connections alive (each one closes as soon as its exchange ends) and resolves when
   * no exchange is in flight — 'idle' — or when `deadlineMs` passes first — 'deadline'. Driven by
   * the exchanges' own ends, not a poll. Upgraded sockets are not exchanges: close them after.
   */
  drain(deadlineMs: number): Promise<'idle' | 'deadline'>;
  /** Replaces the certificate and key for new TLS connections (throws if they do not match). */
  updateTls(tls: { readonly key: Buffer; readonly cert: Buffer }): void;
  /** Ends upgraded (WebSocket) connections: closeAllConnections() does not see them. */
  closeUpgraded(): void;
}

export function createEdgeServer(options: EdgeServerOptions): EdgeServer {
  let inFlight = 0;
  let draining: { idle(): void } | undefined;
  const exchangeEnded = () => {
    inFlight--;
    if (!draining) return;
    // The socket is detached from its response by now; closing it here ends keep-alive reuse.
    server.closeIdleConnections();
    if (inFlight === 0) draining.idle();
  };
  const serveExchange = (incoming: IncomingMessage, outgoing: ServerResponse): void => {
    inFlight++;
    outgoing.once('close', exchangeEnded);
    options.handleRequest(incoming, outgoing);
  };
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.all('*', (c) => {
    serveExchange(c.env.incoming, c.env.outgoing);
    return RESPONSE_ALREADY_SENT;
  });
  const honoListener = getRequestListener(app.fetch, { overrideGlobalObjects: false, autoCleanupIncoming: false });
  // `OPTIONS *` (asterisk-form, RFC 9112 §3.2.4) is a request to the server as a whole: node-server
  // cannot build a URL from `*` and answered an empty 400 before Ficus saw it. It goes to the handler
  // directly, which passes it to legacy like any unmatched request.
  const listener = (incoming: IncomingMessage, outgoing: ServerResponse): void => {
    if (incoming.url === '*') serveExchange(incoming, outgoing);
    else void honoListener(incoming, outgoing);
  };

  const serverOptions = {
    maxHeaderSize: options.maxHeaderSize ?? 16 * 1024,
    headersTimeout: options.headersTimeoutMs ?? 30_000,
    // Hundreds-of-MB uploads over slow links: no whole-request deadline; idle sockets are bounded by the upstream idle timeout.
    requestTimeout: 0,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
    insecureHTTPParser: false,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
  };
  const server: Server = options.tls ? createHttpsServer(serverOptions, listener) : createHttpServer(serverOptions, listener);

  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket, options.onClientError));
  const upgraded = new Set<Duplex>();
  if (options.handleUpgrade) {
    const handleUpgrade = options.handleUpgrade;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      upgraded.add(socket);
      socket.once('close', () => upgraded.delete(socket));
      handleUpgrade(req, socket, head);
    });
  }
  return {
    server,
    inFlight: () => inFlight,
    drain(deadlineMs) {
      server.closeIdleConnections();
      if (inFlight === 0) return Promise.resolve('idle');
      return new Promise((resolve) => {
        const deadline = setTimeout(() => resolve('deadline'), deadlineMs);
        draining = {
          idle() {
            clearTimeout(deadline);
            resolve('idle');
          },
        };
      });
    },
    closeUpgraded: () => {
      for (const socket of upgraded) socket.destroy();
      upgraded.clear();
    },
    updateTls(tls) {
      if (!options.tls) throw Object.assign(new Error('the edge server was started without TLS'), { code: 'TLS_NOT_ENABLED' });
      (server as unknown as HttpsServer).setSecureContext({ key: tls.key, cert: tls.cert });
    },
  };
}

const CLIENT_ERROR_STATUS: Readonly<Record<string, string>> = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Content Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, onClientError?: (code: string) => void): void {
  const code = error.code ?? 'UNKNOWN';
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    socket.destroy();
    return;
  }
  onClientError?.(code);
  const pending = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !pending?.headersSent) {
    const status = CLIENT_ERROR_STATUS[code] ?? '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    return;
  }
  socket.destroy();
}
