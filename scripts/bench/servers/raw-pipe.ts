// The floor: a bare Node 24 HTTP server that pipes each request to the upstream with http.request
// over a keep-alive agent, and the response back. No header hygiene, no routing — nothing a real
// proxy must do; whatever Ficus costs above this is the price of its features.
//   node scripts/bench/servers/raw-pipe.ts http://127.0.0.1:UPSTREAM
import http from 'node:http';
import { keepAliveAgent, listenAndAnnounce } from './common.ts';

const upstream = new URL(process.argv[2] ?? '');
const agent = keepAliveAgent();

const server = http.createServer(function pipeToUpstream(req, res) {
  const outgoing = http.request(
    { agent, host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    },
  );
  outgoing.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(outgoing);
});

listenAndAnnounce(server);
