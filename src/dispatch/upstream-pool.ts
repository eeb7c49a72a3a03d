// Keep-alive agents per upstream. The forwarding library (http-proxy-3, like http-proxy) defaults to
// `agent: false` (Connection: close to the upstream: a third of the throughput and a TIME_WAIT
// storm), so every call names one of these: the primary, its replay, copies and upgrades alike.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { UpstreamConfig } from '../config/load-routes.ts';

export interface ResolvedTimeouts {
  readonly connectMs: number;
  /** From the last request byte sent to the response headers (a slow upload is not the upstream's wait). */
  readonly headersMs: number;
  readonly idleMs: number;
  readonly queueMs: number;
  readonly bodyIdleMs: number;
}

export const DEFAULT_TIMEOUTS: ResolvedTimeouts = { connectMs: 2_000, headersMs: 30_000, idleMs: 60_000, queueMs: 5_000, bodyIdleMs: 30_000 };
export const DEFAULT_MAX_UPLOAD_SOCKETS = 64;
/** Sockets for copies (shadow, dry-run, reverse, noise) per upstream: each route's copy budget (256 by default) bounds them first. */
export const DEFAULT_MAX_COPY_SOCKETS = 256;

export interface Upstream {
  readonly name: string;
  readonly url: URL;
  /** The target object the forwarding library and http.request take. */
  readonly target: { readonly protocol: string; readonly hostname: string; readonly host: string; readonly port: number; readonly path: string };
  readonly agent: HttpAgent;
  /**
   * For requests whose body is still streaming from the client, capped at `maxUploadSockets`: 300
   * clients trickling a byte every 10 s once held all 256 sockets and GETs waited 29.6 s.
   */
  readonly uploadAgent: HttpAgent;
  /**
   * For the copies Ficus makes: a new service that hangs can never take the sockets clinicians'
   * requests need. Built, kept and retired with the other two, so a copy never holds a stale CA
   * or the wrong protocol after a reload (mirror.ts once kept its own agents, never rebuilt).
   */
  readonly copyAgent: HttpAgent;
  readonly rewriteHost: boolean;
  /** Host header value when rewriting. */
  readonly hostHeader: string;
  readonly timeouts: ResolvedTimeouts;
  /** Everything the agent was built from, by value (TLS files by content): equal keys share an agent. */
  readonly connectionKey: string;
}

export type UpstreamPool = ReadonlyMap<string, Upstream>;

export function createUpstreamPool(configs: ReadonlyMap<string, UpstreamConfig>, previous?: UpstreamPool): UpstreamPool {
  const pool = new Map<string, Upstream>();
  for (const [name, config] of configs) {
    const reused = previous?.get(name);
    const key = connectionKeyOf(config);
    // Keep the warm agent across a reload when nothing about the connection changed (compared by
    // value: a reload parses fresh objects, so identity would call every TLS upstream "changed").
    if (reused && reused.connectionKey === key) {
      pool.set(name, { ...reused, rewriteHost: config.rewriteHost, timeouts: resolveTimeouts(config.timeouts) });
      continue;
    }
    pool.set(name, buildUpstream(config, key));
  }
  return pool;
}

/**
 * Retires the agents of `pool` that `keep` no longer uses. A retired agent is never destroyed
 * while it carries a request: `agent.destroy()` would cut every in-flight call on it (a reload that
 * only renamed 127.0.0.1 to localhost failed 20 of 20). Its idle sockets are closed now; each busy
 * socket closes when its exchange ends, and requests still queued on it (or a fallback replay that
 * captured the old upstream) are served first. Without `keep` (shutdown) everything is destroyed.
 */
export function closeUpstreamPool(pool: UpstreamPool, keep?: UpstreamPool): void {
  const kept = new Set([...(keep?.values() ?? [])].map((u) => u.agent));
  for (const upstream of pool.values()) {
    if (kept.has(upstream.agent)) continue;
    for (const agent of [upstream.agent, upstream.uploadAgent, upstream.copyAgent]) {
      if (keep) retireAgent(agent);
      else agent.destroy();
    }
  }
}

function retireAgent(agent: HttpAgent): void {
  // Node's agent destroys a socket on 'free' when keepAlive is off instead of pooling it
  // (lib/_http_agent.js), after handing it to any request still queued for it. (`keepAlive` is a
  // public field of the agent that @types/node does not declare.)
  (agent as HttpAgent & { keepAlive: boolean }).keepAlive = false;
  for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
}

export function resolveTimeouts(base: Partial<ResolvedTimeouts>, override: Partial<ResolvedTimeouts> = {}): ResolvedTimeouts {
  return {
    connectMs: override.connectMs ?? base.connectMs ?? DEFAULT_TIMEOUTS.connectMs,
    headersMs: override.headersMs ?? base.headersMs ?? DEFAULT_TIMEOUTS.headersMs,
    idleMs: override.idleMs ?? base.idleMs ?? DEFAULT_TIMEOUTS.idleMs,
    queueMs: override.queueMs ?? base.queueMs ?? DEFAULT_TIMEOUTS.queueMs,
    bodyIdleMs: override.bodyIdleMs ?? base.bodyIdleMs ?? DEFAULT_TIMEOUTS.bodyIdleMs,
  };
}

function buildUpstream(config: UpstreamConfig, connectionKey: string): Upstream {
  const url = new URL(config.url);
  const https = url.protocol === 'https:';
  const port = Number(url.port) || (https ? 443 : 80);
  const common = { keepAlive: true, timeout: config.keepAliveMs, scheduling: 'lifo' as const };
  const tls = https
    ? {
        ca: config.tls?.ca ? readFileSync(config.tls.ca) : undefined,
        cert: config.tls?.cert ? readFileSync(config.tls.cert) : undefined,
        key: config.tls?.key ? readFileSync(config.tls.key) : undefined,
        servername: config.tls?.servername,
      }
    : undefined;
  const build = (maxSockets: number) => (tls ? new HttpsAgent({ ...common, ...tls, maxSockets }) : new HttpAgent({ ...common, maxSockets }));
  const agent = build(config.maxSockets);
  const uploadAgent = build(config.maxUploadSockets ?? DEFAULT_MAX_UPLOAD_SOCKETS);
  const copyAgent = build(DEFAULT_MAX_COPY_SOCKETS);
  return {
    name: config.name,
    url,
    target: { protocol: url.protocol, hostname: url.hostname, host: url.hostname, port, path: url.pathname === '/' ? '' : url.pathname },
    agent,
    uploadAgent,
    copyAgent,
    rewriteHost: config.rewriteHost,
    hostHeader: url.host,
    timeouts: resolveTimeouts(config.timeouts),
    connectionKey,
  };
}

/** The agent's inputs as one string; a renewed client certificate under the same path is a change. */
function connectionKeyOf(config: UpstreamConfig): string {
  const file = (path: string | undefined) => (path === undefined ? null : { path, sha256: digestOf(path) });
  const { ca, cert, key, servername } = config.tls ?? {};
  return JSON.stringify({
    url: new URL(config.url).href,
    keepAliveMs: config.keepAliveMs,
    maxSockets: config.maxSockets,
    maxUploadSockets: config.maxUploadSockets ?? DEFAULT_MAX_UPLOAD_SOCKETS,
    tls: config.tls ? { ca: file(ca), cert: file(cert), key: file(key), servername: servername ?? null } : null,
  });
}

function digestOf(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return 'unreadable'; // buildUpstream reports the real error when the agent is built
  }
}
