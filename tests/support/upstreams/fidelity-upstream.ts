// A deterministic upstream for fidelity tests: no Date header, fixed bodies, and endpoints for each
// HTTP corner a proxy can get wrong. Records what it saw (raw target, raw headers, body digest) and
// how each exchange ended, so tests can assert that an aborted client aborted the upstream call.
import { createHash } from 'node:crypto';
import http from 'node:http';
import { closeServer, listenLoopback } from './loopback.ts';

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly rawHeaders: string[];
  bodyLength: number;
  bodySha256?: string;
  /** 'complete' when the request body ended; 'closed-early' when the connection went first. */
  outcome: 'pending' | 'complete' | 'closed-early';
  /** True when the response socket closed before the upstream finished its response. */
  responseCutByPeer: boolean;
}

export interface FidelityUpstream {
  readonly url: string;
  readonly server: http.Server;
  readonly seen: SeenRequest[];
  /** Waits until a request whose url starts with `prefix` satisfies `done` (default: its body ended or was cut). */
  settled(prefix: string, done?: (r: SeenRequest) => boolean): Promise<SeenRequest>;
  close(): Promise<void>;
}

export const LATIN1_HL7 = Buffer.from('MSH|^~\\&|LEGACY|HÔPITAL|FICUS|TEST|20260101120000||ADT^A08|1|P|2.5\rPID|1||123^^^H||Müller^Zoë^Ä||19700101|F\r', 'latin1');

export async function startFidelityUpstream(): Promise<FidelityUpstream> {
  const seen: SeenRequest[] = [];
  const server = http.createServer({ requestTimeout: 0 }, (req, res) => {
    res.sendDate = false;
    const record: SeenRequest = { method: req.method ?? '', url: req.url ?? '', rawHeaders: [...req.rawHeaders], bodyLength: 0, outcome: 'pending', responseCutByPeer: false };
    seen.push(record);
    const hash = createHash('sha256');
    req.on('data', (c: Buffer) => {
      record.bodyLength += c.length;
      hash.update(c);
    });
    req.on('end', () => {
      record.bodySha256 = hash.digest('hex');
      record.outcome = 'complete';
    });
    req.on('close', () => {
      if (record.outcome === 'pending') record.outcome = 'closed-early';
    });
    res.on('close', () => {
      if (!res.writableFinished) record.responseCutByPeer = true;
    });
    route(req, res, record);
  });
  server.on('upgrade', answerWebSocket);
  const url = await listenLoopback(server);
  return {
    url,
    server,
    seen,
    settled: async (prefix, done = (r) => r.outcome !== 'pending') => {
      for (;;) {
        const r = seen.find((s) => s.url.startsWith(prefix) && done(s));
        if (r) return r;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () => closeServer(server),
  };
}

function route(req: http.IncomingMessage, res: http.ServerResponse, record: SeenRequest): void {
  const path = (req.url ?? '/').split('?')[0]!;
  const afterBody = (fn: () => void): void => {
    if (req.complete) fn();
    else req.once('end', fn).resume();
  };
  if (path.startsWith('/echo')) {
    return afterBody(() => {
      const body = JSON.stringify({ method: req.method, url: req.url, rawHeaders: req.rawHeaders, body: { length: record.bodyLength, sha256: record.bodySha256 } });
      res.writeHead(200, ['Content-Type', 'application/json', 'Content-Length', String(Buffer.byteLength(body))]);
      res.end(body);
    });
  }
  switch (path) {
    case '/cookies':
      return afterBody(() => {
        res.writeHead(200, 'Fine Thanks', [
          'Set-Cookie', 'a=1; Path=/; HttpOnly',
          'X-Mixed-CASE', 'one',
          'Set-Cookie', 'b=2; Path=/; Secure',
          'x-repeated', 'first',
          'X-Repeated', 'second',
          'Set-Cookie', 'c=3, with comma; Path=/',
          'Content-Type', 'text/plain',
          'Content-Length', '2',
        ]);
        res.end('ok');
      });
    case '/hop':
      return afterBody(() => {
        res.writeHead(200, ['Connection', 'X-Private, keep-alive', 'X-Private', 'secret', 'Keep-Alive', 'timeout=5', 'X-Public', 'yes', 'Content-Length', '2']);
        res.end('ok');
      });
    case '/stream':
      // Chunked, written over several ticks: the client must get each byte, in order.
      return afterBody(() => {
        res.writeHead(200, ['Content-Type', 'application/octet-stream']);
        let i = 0;
        const tick = () => {
          if (i === 20) return res.end(Buffer.alloc(10, 0xff));
          res.write(Buffer.alloc(1000 + i, i));
          i++;
          setImmediate(tick);
        };
        tick();
      });
    case '/latin1':
      return afterBody(() => {
        res.writeHead(200, ['Content-Type', 'application/hl7-v2; charset=ISO-8859-1', 'Content-Length', String(LATIN1_HL7.length)]);
        res.end(LATIN1_HL7);
      });
    case '/etag':
      return afterBody(() => {
        if (req.headers['if-none-match'] === '"v1"') {
          res.writeHead(304, ['ETag', '"v1"', 'Cache-Control', 'max-age=0']);
          return res.end();
        }
        res.writeHead(200, ['ETag', '"v1"', 'Content-Length', '5']);
        res.end('hello');
      });
    case '/no-content':
      return afterBody(() => {
        res.writeHead(204, ['X-Done', 'yes']);
        res.end();
      });
    case '/head':
      return afterBody(() => {
        res.writeHead(200, ['Content-Type', 'text/plain', 'Content-Length', '1234']);
        res.end(req.method === 'HEAD' ? undefined : Buffer.alloc(1234, 0x61));
      });
    case '/reset-mid-body':
      return afterBody(() => {
        res.writeHead(200, ['Content-Type', 'application/octet-stream', 'Content-Length', '100000']);
        res.write(Buffer.alloc(1000, 1), () => setTimeout(() => res.socket?.destroy(), 20));
      });
    case '/reset-mid-chunked':
      return afterBody(() => {
        res.writeHead(200, ['Content-Type', 'application/octet-stream']);
        res.write(Buffer.alloc(1000, 1), () => setTimeout(() => res.socket?.destroy(), 20));
      });
    case '/hang':
      req.resume();
      return; // never answers
    case '/slow': {
      const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 500);
      return afterBody(() => {
        setTimeout(() => {
          res.writeHead(200, ['Content-Type', 'text/plain', 'Content-Length', '4']);
          res.end('slow');
        }, ms);
      });
    }
    default:
      req.resume();
      res.writeHead(404, ['Content-Length', '0']);
      res.end();
  }
}

/** A tiny WebSocket upstream: answers the handshake (RFC 6455 §4.2.2), then echoes raw bytes back. */
function answerWebSocket(req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): void {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || req.headers.upgrade?.toLowerCase() !== 'websocket') {
    socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nX-Seen-Url: ${req.url}\r\n\r\n`);
  if (head.length) socket.write(head);
  socket.on('data', (chunk) => socket.write(chunk));
  socket.on('end', () => socket.end());
  socket.on('error', () => socket.destroy());
}
