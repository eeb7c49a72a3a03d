// Relays an upstream response to the client byte for byte: status line, raw headers (minus
// hop-by-hop, plus Server-Timing), then the body streamed with backpressure. An upstream that dies
// mid-body makes the client connection die too, so a truncated response can never pass for a whole
// one; a client that leaves makes the upstream response be dropped. Optionally tees up to
// `capture.capBytes` of the body for comparison. (pipe() and two 'close' listeners rather than
// stream.pipeline(): pipeline builds and aborts an AbortController per call, and the DOMException
// that creates was 5% of the proxy's CPU per request in a profile.)
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CapturedResponse } from '../compare/types.ts';
import { createBodyCollector } from './body-collector.ts';
import { buildResponseHeaders } from './hop-headers.ts';

export interface RelayCapture {
  readonly capBytes: number;
  onCaptured(captured: CapturedResponse): void;
}

export interface RelayOptions {
  readonly serverTiming: string;
  readonly capture?: RelayCapture;
  /** Called once: complete=false when either side failed mid-body. */
  onEnd(complete: boolean): void;
}

export function relayResponse(res: ServerResponse, proxyRes: IncomingMessage, options: RelayOptions): void {
  res.sendDate = false; // the upstream's Date (or its absence) is part of what we pass through
  const headers = buildResponseHeaders(proxyRes.rawHeaders, ['Server-Timing', options.serverTiming]);
  res.writeHead(proxyRes.statusCode ?? 502, proxyRes.statusMessage, headers);
  if (options.capture) teeBody(proxyRes, options.capture);
  let ended = false;
  const end = (complete: boolean) => {
    if (ended) return;
    ended = true;
    options.onEnd(complete);
  };
  proxyRes.on('error', ignore); // a reset mid-body: handled on 'close' below
  proxyRes.once('close', () => {
    if (!proxyRes.complete) {
      res.destroy();
      end(false);
    }
  });
  // 'finish': the last byte was handed to the socket — the exchange is over (as pipeline's callback
  // was); 'close' without it: the client left mid-response.
  res.once('finish', () => end(proxyRes.complete));
  res.once('close', () => {
    if (!res.writableFinished) {
      proxyRes.destroy();
      end(false);
    }
  });
  proxyRes.pipe(res);
}

function ignore(): void {}

function teeBody(proxyRes: IncomingMessage, capture: RelayCapture): void {
  const body = createBodyCollector(capture.capBytes, proxyRes.headers['content-length']);
  let truncated = false;
  proxyRes.on('data', (chunk: Buffer) => {
    if (!truncated) truncated = !body.add(chunk);
  });
  proxyRes.once('end', () => capture.onCaptured(captureOf(proxyRes, truncated ? Buffer.alloc(0) : body.bytes(), truncated)));
}

/** The comparable view of an upstream response: lowercased headers, body bytes as received. */
export function captureOf(proxyRes: IncomingMessage, body: Buffer, truncated: boolean): CapturedResponse {
  const headers: Record<string, string> = {};
  const raw = proxyRes.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const existing = headers[name];
    headers[name] = existing === undefined ? raw[i + 1]! : `${existing}${name === 'set-cookie' ? '\n' : ', '}${raw[i + 1]!}`;
  }
  return { status: proxyRes.statusCode ?? 0, headers, body, truncated };
}

/** Server-Timing for a proxied response: upstream time to headers, and the decided mode. */
export function serverTimingValue(upstreamMs: number, mode: string): string {
  return `upstream;dur=${upstreamMs.toFixed(3)}, ficus;desc=${mode}`;
}
