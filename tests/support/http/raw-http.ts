// HTTP and raw-socket clients for tests that must control every byte: header names' case,
// repeated headers, the request target as typed (`//a//b`, `%2F`, `..`), and body framing.
import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { Readable } from 'node:stream';

export interface RawResponse {
  readonly status: number;
  readonly statusMessage: string;
  readonly rawHeaders: string[];
  readonly body: Buffer;
}

export interface RawRequest {
  readonly method?: string;
  /** The request target, sent exactly as given. */
  readonly path: string;
  /** Flat name/value list, sent in this order and case (Host included: nothing is added). */
  readonly headers?: readonly string[];
  readonly body?: Buffer | Readable;
}

/** One request on its own connection; resolves with the whole response, rejects if it is cut short. */
export function send(baseUrl: string, request: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname,
      port: url.port,
      method: request.method ?? 'GET',
      path: request.path,
      headers: [...(request.headers ?? ['Host', 'ficus.test'])] as unknown as http.OutgoingHttpHeaders,
      setHost: false,
      agent: false,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('response aborted')));
      res.on('end', () => {
        if (!res.complete) return reject(new Error('response incomplete'));
        resolve({ status: res.statusCode!, statusMessage: res.statusMessage ?? '', rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) });
      });
    });
    const body = request.body;
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

/** Removes the named headers (case-insensitive) from a flat raw header list, keeping order and case. */
export function withoutHeaders(raw: readonly string[], names: readonly string[]): string[][] {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  const out: string[][] = [];
  for (let i = 0; i < raw.length; i += 2) if (!drop.has(raw[i]!.toLowerCase())) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

export function headerValues(raw: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name.toLowerCase()) out.push(raw[i + 1]!);
  return out;
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes raw bytes on a fresh socket and collects everything until the peer closes (or timeoutMs of silence). */
export function rawExchange(baseUrl: string, bytes: string | Buffer, idleMs = 1_000): Promise<{ text: string; closed: boolean }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    let closed = false;
    socket.setTimeout(idleMs, () => {
      socket.destroy();
    });
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
    socket.on('end', () => (closed = true));
    socket.on('close', () => resolve({ text: Buffer.concat(chunks).toString('latin1'), closed }));
    socket.write(bytes);
  });
}
