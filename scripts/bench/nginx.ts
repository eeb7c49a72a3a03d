// The benchmark's nginx instances, each with its own prefix and config in a temp dir:
//   origin — serves the static JSON payloads (the one upstream every configuration shares), on
//            two ports: the legacy one, and a "new service" one whose 250 KB Bundle differs a little
//            (so a shadowed comparison does the whole decode and diff, not just the equality gate);
//   peer   — nginx proxy_pass to the origin with upstream keepalive (what a mature proxy costs).
// One worker each, so CPU per request compares with single-threaded Node.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, waitForHttp } from './processes.ts';
import type { Started } from './processes.ts';

export const NGINX_BIN = '/usr/sbin/nginx';

/** Payload sizes served by the origin, chosen with `?size=`. */
export const PAYLOADS = { '1k': 1024, '64k': 64 * 1024 } as const;
export type PayloadSize = keyof typeof PAYLOADS | '250k';

/** A JSON document of exactly `bytes` bytes (a FHIR-ish Patient padded with a note). */
export function jsonPayload(bytes: number): string {
  const skeleton = { resourceType: 'Patient', id: 'pat-0001', name: [{ family: 'Bench', given: ['Mark'] }], note: '' };
  const padding = bytes - JSON.stringify(skeleton).length;
  return JSON.stringify({ ...skeleton, note: 'x'.repeat(Math.max(0, padding)) });
}

/**
 * A FHIR R4 searchset Bundle of ~250 KB (vital-sign Observations), as a large clinical response.
 * `variant` 'new' changes what a new service plausibly gets wrong: every 25th value rounded
 * differently, one unit spelled differently, and a later meta.lastUpdated (ignored by the route).
 */
export function bundlePayload(variant: 'legacy' | 'new', targetBytes = 250 * 1024): string {
  const entries: unknown[] = [];
  const bundle = { resourceType: 'Bundle', type: 'searchset', meta: { lastUpdated: variant === 'new' ? '2026-01-01T10:00:05Z' : '2026-01-01T10:00:00Z' }, total: 0, entry: entries };
  // Grow by each entry's own length (re-serialising the whole Bundle per entry is quadratic).
  for (let i = 0, bytes = JSON.stringify(bundle).length; bytes < targetBytes; i++) {
    const value = 36.5 + (i % 20) / 10;
    const entry = {
      fullUrl: `http://ehr.example/fhir/Observation/obs-${i}`,
      resource: {
        resourceType: 'Observation', id: `obs-${i}`, status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
        code: { coding: [{ system: 'http://loinc.org', code: '8310-5', display: 'Body temperature' }], text: 'Temperature' },
        subject: { reference: 'Patient/pat-0001' },
        effectiveDateTime: `2026-01-01T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z`,
        valueQuantity: { value: variant === 'new' && i % 25 === 0 ? Math.round(value) : value, unit: variant === 'new' && i === 7 ? 'Cel' : '°C', system: 'http://unitsofmeasure.org', code: 'Cel' },
      },
      search: { mode: 'match' },
    };
    entries.push(entry);
    bytes += JSON.stringify(entry).length + 1;
  }
  bundle.total = entries.length;
  return JSON.stringify(bundle);
}

function commonHttp(dir: string): string {
  // tcp_nopush off: with sendfile + tcp_nopush on, 64 KB responses show ~40 ms tails (PITFALLS.md).
  return `
    access_log off;
    sendfile on; tcp_nopush off; tcp_nodelay on;
    keepalive_timeout 75s; keepalive_requests 10000000;
    client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;`;
}

function mainContext(dir: string, name: string): string {
  return `worker_processes 1;
daemon off;
pid ${dir}/${name}.pid;
error_log ${dir}/${name}-error.log warn;
events { worker_connections 8192; }`;
}

function originConfig(dir: string, port: number, newPort: number): string {
  const server = (listen: number, payload: string) => `
  server {
    listen 127.0.0.1:${listen} reuseport;
    root ${dir}/www;
    default_type application/json;
    location / { try_files /${payload} =404; }
  }`;
  return `${mainContext(dir, 'origin')}
http {${commonHttp(dir)}
  map $arg_size $payload { default 1k.json; 64k 64k.json; 250k 250k.json; }
  map $arg_size $new_payload { default 1k.json; 64k 64k.json; 250k 250k-new.json; }${server(port, '$payload')}${server(newPort, '$new_payload')}
}
`;
}

function peerConfig(dir: string, port: number, originPort: number): string {
  return `${mainContext(dir, 'peer')}
http {${commonHttp(dir)}
  upstream origin { server 127.0.0.1:${originPort}; keepalive 128; }
  server {
    listen 127.0.0.1:${port} reuseport;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}

function prepare(dir: string): void {
  mkdirSync(join(dir, 'www'), { recursive: true });
  for (const [size, bytes] of Object.entries(PAYLOADS)) writeFileSync(join(dir, 'www', `${size}.json`), jsonPayload(bytes));
  writeFileSync(join(dir, 'www', '250k.json'), bundlePayload('legacy'));
  writeFileSync(join(dir, 'www', '250k-new.json'), bundlePayload('new'));
  // nginx workers run as nobody: the temp dir (0700 from mkdtemp) must be readable to them.
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'www'), 0o755);
}

async function startNginx(dir: string, name: string, config: string, port: number, cpus: string | undefined): Promise<Started> {
  const configPath = join(dir, `${name}.conf`);
  writeFileSync(configPath, config);
  const started = startProcess({ name: `nginx-${name}`, command: NGINX_BIN, args: ['-p', dir, '-c', configPath, '-e', join(dir, `${name}-error.log`)], logPath: join(dir, `${name}.log`), cpus });
  await waitForHttp(started, `http://127.0.0.1:${port}/?size=1k`);
  return started;
}

/** The origin on `port` (legacy) and `newPort` (the new service: the same but for the 250 KB Bundle). */
export async function startOrigin(dir: string, port: number, newPort: number, cpus: string | undefined): Promise<Started> {
  prepare(dir);
  return startNginx(dir, 'origin', originConfig(dir, port, newPort), port, cpus);
}

export async function startPeer(dir: string, port: number, originPort: number, cpus: string | undefined): Promise<Started> {
  return startNginx(dir, 'peer', peerConfig(dir, port, originPort), port, cpus);
}
