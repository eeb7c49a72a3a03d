// A byte-faithful HTTP client for the demo tests: node:http with no decompression, no charset
// decoding and no header folding, so tests see exactly what the demo servers put on the wire.
import http from 'node:http';
import type { Readable } from 'node:stream';

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

export interface RawRequest {
  readonly method?: string;
  readonly headers?: http.OutgoingHttpHeaders;
  readonly body?: string | Buffer | Readable;
}

export function request(url: string, { method = 'GET', headers = {}, body }: RawRequest = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    outgoing.on('error', reject);
    if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) outgoing.end(body);
    else body.pipe(outgoing);
  });
}

export function json(response: RawResponse): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return JSON.parse(response.body.toString('utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Fixed clocks for deterministic assertions. */
export const MONDAY = new Date('2026-03-02T09:30:00.000Z');
export const TUESDAY = new Date('2026-03-03T09:30:00.000Z');
