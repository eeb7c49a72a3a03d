// The library baseline: the forwarding library Ficus streams with — whichever package.json names,
// http-proxy-3 (the maintained rewrite) before http-proxy — plain, on a bare Node 24 server, with
// the keep-alive agent it needs (http-proxy's default, agent: false, closes every upstream
// connection — see PITFALLS.md). Announces the library and version it runs.
//   node scripts/bench/servers/library-proxy.ts http://127.0.0.1:UPSTREAM
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { keepAliveAgent, listenAndAnnounce } from './common.ts';

interface ProxyServer {
  web(req: http.IncomingMessage, res: http.ServerResponse): void;
  on(event: 'error', listener: (error: Error, req: http.IncomingMessage, res: http.ServerResponse | import('node:net').Socket) => void): void;
}
type CreateProxyServer = (options: Record<string, unknown>) => ProxyServer;

const projectRoot = new URL('../../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', projectRoot), 'utf8')) as { dependencies?: Record<string, string> };
const library = ['http-proxy-3', 'http-proxy'].find((name) => manifest.dependencies?.[name]);
if (!library) throw new Error('package.json names neither http-proxy-3 nor http-proxy');
const version = (createRequire(new URL('package.json', projectRoot))(`${library}/package.json`) as { version: string }).version;
const loaded = (await import(library)) as { createProxyServer?: CreateProxyServer; default?: { createProxyServer?: CreateProxyServer } };
const createProxyServer = loaded.createProxyServer ?? loaded.default?.createProxyServer;
if (!createProxyServer) throw new Error(`${library} exports no createProxyServer`);

const proxy = createProxyServer({ target: process.argv[2], agent: keepAliveAgent(), xfwd: true });
proxy.on('error', (_error, _req, res) => {
  if ('headersSent' in res && !res.headersSent) res.writeHead(502);
  res.end();
});

const server = http.createServer(function proxyToUpstream(req, res) {
  proxy.web(req, res);
});

listenAndAnnounce(server, { library: `${library} ${version}` });
