// A mirror for proving the proxy is invisible: it reports exactly what arrived — the raw request
// target (not normalised: `//a/../b?x=%2F` stays as sent), headers in received case and order, and
// the body's length and digest (streamed, so large bodies are fine).
import type { Route, RouteContext } from '../shared/router.ts';
import { sendJson } from '../shared/respond.ts';
import { digestStream } from './uploads.ts';

export interface EchoReport {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  readonly rawHeaders: readonly string[];
  readonly body: { readonly length: number; readonly sha256: string };
}

export function echoRoutes(): Route[] {
  return [{ method: '*', path: /^\/echo(?:\/.*)?$/, handle: answerEcho }];
}

async function answerEcho({ req, res }: RouteContext): Promise<void> {
  const { bytes, sha256 } = await digestStream(req);
  const report: EchoReport = {
    method: req.method ?? '',
    url: req.url ?? '',
    httpVersion: req.httpVersion,
    rawHeaders: req.rawHeaders,
    body: { length: bytes, sha256 },
  };
  if (req.method === 'HEAD') {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end();
    return;
  }
  sendJson(res, 200, report);
}
