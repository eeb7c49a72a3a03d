// One keep-alive agent per upstream. http-proxy defaults to `agent: false` (Connection: close to
// the upstream: a third of the throughput and a TIME_WAIT storm), so every call names its agent.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { readFileSync } from 'node:fs';
import type { UpstreamConfig } from '../config/load-routes.ts';

export interface ResolvedTimeouts {
  readonly connectMs: number;
  readonly headersMs: number;
  readonly idleMs: number;
}

export const DEFAULT_TIMEOUTS: ResolvedTimeouts = { connectMs: 2_000, headersMs: 30_000, idleMs: 60_000 };

export interface Upstream {
  readonly name: string;
  readonly url: URL;
  /** The target object http-proxy and http.request take. */
  readonly target: { readonly protocol: string; readonly hostname: string; readonly host: string; readonly port: number; readonly path: string };
  readonly agent: HttpAgent;
  readonly rewriteHost: boolean;
  /** Host header value when rewriting. */
  readonly hostHeader: string;
  readonly timeouts: ResolvedTimeouts;
}

export type UpstreamPool = ReadonlyMap<string, Upstream>;

export function createUpstreamPool(configs: ReadonlyMap<string, UpstreamConfig>, previous?: UpstreamPool): UpstreamPool {
  const pool = new Map<string, Upstream>();
  for (const [name, config] of configs) {
    const reused = previous?.get(name);
    // Keep the warm agent across a reload when nothing about the connection changed.
    if (reused && sameConnection(reused, config)) {
      pool.set(name, { ...reused, rewriteHost: config.rewriteHost, timeouts: resolveTimeouts(config.timeouts) });
      continue;
    }
    pool.set(name, buildUpstream(config));
  }
  return pool;
}

export function closeUpstreamPool(pool: UpstreamPool, keep?: UpstreamPool): void {
  for (const upstream of pool.values()) {
    if (keep && [...keep.values()].some((u) => u.agent === upstream.agent)) continue;
    upstream.agent.destroy();
  }
}

export function resolveTimeouts(base: Partial<ResolvedTimeouts>, override: Partial<ResolvedTimeouts> = {}): ResolvedTimeouts {
  return {
    connectMs: override.connectMs ?? base.connectMs ?? DEFAULT_TIMEOUTS.connectMs,
    headersMs: override.headersMs ?? base.headersMs ?? DEFAULT_TIMEOUTS.headersMs,
    idleMs: override.idleMs ?? base.idleMs ?? DEFAULT_TIMEOUTS.idleMs,
  };
}

function buildUpstream(config: UpstreamConfig): Upstream {
  const url = new URL(config.url);
  const https = url.protocol === 'https:';
  const port = Number(url.port) || (https ? 443 : 80);
  const common = { keepAlive: true, timeout: config.keepAliveMs, maxSockets: config.maxSockets, scheduling: 'lifo' as const };
  const agent = https
    ? new HttpsAgent({
        ...common,
        ca: config.tls?.ca ? readFileSync(config.tls.ca) : undefined,
        cert: config.tls?.cert ? readFileSync(config.tls.cert) : undefined,
        key: config.tls?.key ? readFileSync(config.tls.key) : undefined,
        servername: config.tls?.servername,
      })
    : new HttpAgent(common);
  return {
    name: config.name,
    url,
    target: { protocol: url.protocol, hostname: url.hostname, host: url.hostname, port, path: url.pathname === '/' ? '' : url.pathname },
    agent,
    rewriteHost: config.rewriteHost,
    hostHeader: url.host,
    timeouts: resolveTimeouts(config.timeouts),
  };
}

function sameConnection(upstream: Upstream, config: UpstreamConfig): boolean {
  return upstream.url.href === new URL(config.url).href && !config.tls && upstream.url.protocol === 'http:';
}
