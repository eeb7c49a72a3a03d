// A real nginx standing in for a new service's ingress: it decodes and normalises the request
// target before choosing a location (`/fhir/Patient/..%2F..%2Finternal%2Fconfig` is served by
// `location /internal/`), as most ingresses do. Started on a free loopback port with a temp config,
// one process (`master_process off`), and stopped by its pid. Every request it receives is in its
// access log: `request_uri` (as sent) and `uri` (as normalised), one tab-separated line each.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../wait-for.ts';

export const NGINX_BINARY = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

export interface NginxUpstream {
  readonly url: string;
  /** Requests nginx received so far: the target as sent and the path it normalised it to. */
  received(): { requestUri: string; uri: string }[];
  close(): Promise<void>;
}

function config(dir: string, port: number): string {
  const temp = (name: string) => `${name} ${join(dir, name)};`;
  return `daemon off;
master_process off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 256; }
http {
  ${temp('client_body_temp_path')} ${temp('proxy_temp_path')} ${temp('fastcgi_temp_path')} ${temp('uwsgi_temp_path')} ${temp('scgi_temp_path')}
  log_format seen '$request_uri\\t$uri';
  access_log ${join(dir, 'access.log')} seen;
  default_type text/plain;
  server {
    listen 127.0.0.1:${port};
    location /internal/ { return 200 "new-service INTERNAL CONFIG $uri\\n"; }
    location /actuator/ { return 200 "new-service ACTUATOR $uri\\n"; }
    location /fhir/ { return 200 "new-service fhir $uri\\n"; }
    location /api/v2/ { return 200 "new-service api $uri\\n"; }
    location / { return 404 "new-service not found $uri\\n"; }
  }
}
`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startOnce(binary: string, dir: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), config(dir, port));
  const child = spawn(binary, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let exited = false;
  child.once('exit', () => (exited = true));
  await waitFor(() => {
    if (exited) throw new Error(`nginx exited: ${readFileSync(join(dir, 'error.log'), 'utf8')}`);
    // nginx binds its listening sockets before it writes the pid file.
    return existsSync(join(dir, 'nginx.pid'));
  }, 5_000, 'nginx listening');
  return { child, port };
}

export async function startNginxUpstream(): Promise<NginxUpstream> {
  if (!NGINX_BINARY) throw new Error('nginx is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'ficus-nginx-'));
  let started: { child: ChildProcess; port: number } | undefined;
  // The free port can be taken between the probe and nginx's bind: try a few times.
  for (let attempt = 0; !started; attempt++) {
    try {
      started = await startOnce(NGINX_BINARY, dir);
    } catch (error) {
      if (attempt === 2) throw error;
    }
  }
  const { child, port } = started;
  const logFile = join(dir, 'access.log');
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((line) => {
      const [requestUri = '', uri = ''] = line.split('\t');
      return { requestUri, uri };
    }) : []),
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
