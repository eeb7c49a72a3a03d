// Plain HTTP upstreams on 127.0.0.1:0 that record what they received.
import http from 'node:http';
import { closeServer, listenLoopback } from './loopback.ts';

export interface TestUpstream {
  readonly url: string;
  readonly server: http.Server;
  /** Requests received so far (method, raw url, raw headers). */
  readonly received: { method: string; url: string; rawHeaders: string[] }[];
  close(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1:0 with the given handler. */
export async function startUpstream(handler: http.RequestListener, options: http.ServerOptions = {}): Promise<TestUpstream> {
  const received: TestUpstream['received'] = [];
  const server = http.createServer({ requestTimeout: 0, ...options }, (req, res) => {
    received.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: [...req.rawHeaders] });
    handler(req, res);
  });
  const url = await listenLoopback(server);
  return { url, server, received, close: () => closeServer(server) };
}

/** An upstream that answers every request with JSON naming its side: { side, method, url }. */
export function startEchoUpstream(side: string): Promise<TestUpstream> {
  return startUpstream((req, res) => {
    req.resume();
    req.once('end', () => {
      const body = JSON.stringify({ side, method: req.method, url: req.url });
      res.writeHead(200, { 'content-type': 'application/json', 'x-side': side, 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
}
