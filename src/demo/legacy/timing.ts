// Endpoints whose timing is the point: /slow answers late (proxy timeouts, load tests), /stream
// writes a chunked body over time (a proxy must forward chunks as they come, not buffer them).
// Both stop their timers when the client goes away, so abandoned requests do not pile up.
import type { Route, RouteContext } from '../shared/router.ts';
import { sendJson } from '../shared/respond.ts';

export const SLOW_CAP_MS = 60_000;
const STREAM_MAX_CHUNKS = 10_000;
const STREAM_MAX_DELAY_MS = 10_000;

export function timingRoutes(): Route[] {
  return [
    { method: 'GET', path: /^\/slow$/, handle: answerSlow },
    { method: 'GET', path: /^\/stream$/, handle: answerStream },
  ];
}

function boundedInteger(text: string | null, fallback: number, max: number): number {
  const value = Number(text ?? fallback);
  return Number.isFinite(value) ? Math.min(Math.max(Math.floor(value), 0), max) : fallback;
}

function answerSlow({ res, query }: RouteContext): void {
  const ms = boundedInteger(query.get('ms'), 1000, SLOW_CAP_MS);
  const timer = setTimeout(() => sendJson(res, 200, { sleptMs: ms }), ms);
  res.once('close', () => clearTimeout(timer));
}

function answerStream({ res, query }: RouteContext): void {
  const chunks = boundedInteger(query.get('chunks'), 5, STREAM_MAX_CHUNKS);
  const delay = boundedInteger(query.get('delay'), 100, STREAM_MAX_DELAY_MS);
  res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
  // No Content-Length: Node frames this as Transfer-Encoding: chunked, one chunk per write.
  res.flushHeaders();
  let sent = 0;
  const writeNext = (): void => {
    if (sent === chunks) {
      res.end();
      return;
    }
    sent += 1;
    res.write(`${JSON.stringify({ chunk: sent, of: chunks })}\n`);
    timer = setTimeout(writeNext, delay);
  };
  let timer = setTimeout(writeNext, delay);
  res.once('close', () => clearTimeout(timer));
}
