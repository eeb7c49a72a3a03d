// The library baseline: plain `http-proxy` (the library Ficus streams with) on a bare Node 24
// server, with the keep-alive agent it needs (its default, agent: false, closes every upstream
// connection — see PITFALLS.md).
//   node scripts/bench/servers/http-proxy.ts http://127.0.0.1:UPSTREAM
import http from 'node:http';
import httpProxy from 'http-proxy';
import { keepAliveAgent, listenAndAnnounce } from './common.ts';

const proxy = httpProxy.createProxyServer({ target: process.argv[2], agent: keepAliveAgent(), xfwd: true });
proxy.on('error', (_error, _req, res) => {
  if ('headersSent' in res && !res.headersSent) res.writeHead(502);
  res.end();
});

const server = http.createServer(function proxyToUpstream(req, res) {
  proxy.web(req, res);
});

listenAndAnnounce(server);
