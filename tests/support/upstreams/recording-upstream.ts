// A raw-socket upstream that records exactly which bytes arrive on each connection, and splits them
// into requests by strict HTTP/1.1 framing (Content-Length or chunked, nothing else) — the way a
// keep-alive backend would. What the proxy sent is then visible line by line (header case, order,
// repeats, the request target as written), and a smuggled request shows up as a second request on
// the same connection. Each request is answered `200 ok` (keep-alive) unless `hold` keeps it.
import net from 'node:net';
import { closeServer, listenLoopback } from './loopback.ts';

export interface RecordedRequest {
  /** Which connection (0, 1, …, in accept order) and which request on it (0, 1, …). */
  readonly connection: number;
  readonly index: number;
  readonly requestLine: string;
  /** Header lines exactly as received, flat: name, value, name, value… */
  readonly headerLines: string[];
  readonly body: Buffer;
}

export interface RecordingUpstream {
  readonly url: string;
  /** Every byte received, per connection. */
  readonly bytes: Buffer[];
  /** Bytes received on a connection that do not (yet) make a whole request: 0 at a request boundary. */
  unparsed(connection: number): number;
  readonly requests: RecordedRequest[];
  /** Requests kept unanswered by `hold`, answered (200 ok) by calling release(). */
  readonly held: Array<{ readonly request: RecordedRequest; release(): void }>;
  /** Resolves once `count` requests have been recorded (whatever their connection). */
  requestCount(count: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

export interface RecordingOptions {
  /** Return true to leave this request unanswered until released. */
  readonly hold?: (request: RecordedRequest) => boolean;
}

export async function startRecordingUpstream(options: RecordingOptions = {}): Promise<RecordingUpstream> {
  const bytes: Buffer[] = [];
  const requests: RecordedRequest[] = [];
  const held: RecordingUpstream['held'] = [];
  const waiters: Array<() => void> = [];
  const pendingBytes: number[] = [];
  const server = net.createServer((socket) => {
    const connection = bytes.length;
    bytes.push(Buffer.alloc(0));
    let pending = Buffer.alloc(0);
    pendingBytes.push(0);
    let index = 0;
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      bytes[connection] = Buffer.concat([bytes[connection]!, chunk]);
      pending = Buffer.concat([pending, chunk]);
      pendingBytes[connection] = pending.length;
      for (;;) {
        const parsed = parseRequest(pending);
        if (!parsed) return;
        if (parsed === 'malformed') {
          socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
          return;
        }
        pending = pending.subarray(parsed.consumed);
        pendingBytes[connection] = pending.length;
        const request: RecordedRequest = { connection, index: index++, ...parsed.request };
        requests.push(request);
        for (const wake of waiters.splice(0)) wake();
        const answer = () => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
        if (options.hold?.(request)) held.push({ request, release: answer });
        else answer();
      }
    });
  });
  const url = await listenLoopback(server);
  return {
    url,
    bytes,
    unparsed: (connection) => pendingBytes[connection] ?? 0,
    requests,
    held,
    requestCount: async (count) => {
      while (requests.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return requests;
    },
    close: () => closeServer(server),
  };
}

type Parsed = { readonly consumed: number; readonly request: Omit<RecordedRequest, 'connection' | 'index'> };

/** One request from the front of `buffer`, undefined when more bytes are needed. */
function parseRequest(buffer: Buffer): Parsed | 'malformed' | undefined {
  const headEnd = buffer.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [requestLine = '', ...lines] = buffer.subarray(0, headEnd).toString('latin1').split('\r\n');
  const headerLines: string[] = [];
  let contentLength: number | undefined;
  let chunked = false;
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return 'malformed';
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    headerLines.push(name, value);
    if (name.toLowerCase() === 'content-length') contentLength = Number(value);
    if (name.toLowerCase() === 'transfer-encoding') chunked = /chunked\s*$/i.test(value);
  }
  const bodyStart = headEnd + 4;
  if (chunked) return parseChunked(buffer, bodyStart, requestLine, headerLines);
  const length = contentLength ?? 0;
  if (buffer.length < bodyStart + length) return undefined;
  return { consumed: bodyStart + length, request: { requestLine, headerLines, body: buffer.subarray(bodyStart, bodyStart + length) } };
}

function parseChunked(buffer: Buffer, start: number, requestLine: string, headerLines: string[]): Parsed | 'malformed' | undefined {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(buffer.subarray(at, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size)) return 'malformed';
    at = lineEnd + 2;
    if (size === 0) {
      // No trailers from Node: the last chunk is followed by the empty line.
      if (buffer.length < at + 2) return undefined;
      return { consumed: at + 2, request: { requestLine, headerLines, body: Buffer.concat(parts) } };
    }
    if (buffer.length < at + size + 2) return undefined;
    parts.push(buffer.subarray(at, at + size));
    at += size + 2;
  }
}
