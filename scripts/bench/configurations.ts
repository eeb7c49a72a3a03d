// The processes the cost table compares, and the rows each serves. One process may serve several
// rows (Ficus in legacy mode: the route's flag off, no route at all, a client sending traceparent).
// All run at once, pinned to the proxy CPU, and are measured in turn (measure.ts interleaves).
import { join } from 'node:path';
import { freePort, startBaseline } from './baselines.ts';
import { observedModes, servedByCounts, startFicus } from './ficus.ts';
import type { FicusMode } from './ficus.ts';
import { startPeer } from './nginx.ts';
import type { Started } from './processes.ts';
import type { WrkRequestShape } from './wrk.ts';

export interface CostContext {
  readonly projectRoot: string;
  readonly originUrl: string;
  /** The origin's "new service" port (the same payloads but for the 250 KB Bundle). */
  readonly newUrl: string;
  readonly origin: Started;
  readonly workDir: string;
  readonly proxyCpus: string | undefined;
  /** Where the origin and the load generators run. */
  readonly loadCpus: string | undefined;
  readonly otlpUrl: string;
}

export interface CostRow {
  readonly id: string;
  readonly label: string;
  readonly shape?: WrkRequestShape;
  /** Measured at 64 KB too (full run only). */
  readonly large: boolean;
  /** Left out of --quick (no target depends on it). */
  readonly context: boolean;
}

export interface Running {
  readonly url: string;
  readonly adminUrl?: string;
  readonly process: Started;
  readonly owned: boolean;
  readonly notes: string[];
  readonly library?: string;
  /** Facts to record once the load is over (e.g. which upstream Ficus served from). */
  readonly afterwards?: () => string[];
}

export interface Configuration {
  readonly id: string;
  readonly rows: readonly CostRow[];
  readonly start: (ctx: CostContext) => Promise<Running>;
}

const row = (id: string, label: string, options: Partial<Omit<CostRow, 'id' | 'label'>> = {}): CostRow => ({ id, label, large: false, context: false, ...options });

function ficus(id: string, mode: FicusMode, tracing: boolean, rows: readonly CostRow[]): Configuration {
  return {
    id,
    rows,
    start: async (ctx) => {
      const env: NodeJS.ProcessEnv = tracing
        ? { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: ctx.otlpUrl, OTEL_TRACES_SAMPLER: 'always_on', OTEL_SERVICE_NAME: 'ficus-bench' }
        : {};
      const running = await startFicus({ projectRoot: ctx.projectRoot, dir: join(ctx.workDir, id), name: id, legacyUrl: ctx.originUrl, newUrl: ctx.newUrl, mode, cpus: ctx.proxyCpus, env });
      const modes = await observedModes(running.proxyUrl);
      return {
        url: running.proxyUrl,
        adminUrl: running.adminUrl,
        process: running.started,
        owned: true,
        notes: [`modes seen for 40 patients: ${JSON.stringify(modes)}`],
        afterwards: () => [`served by, from its access log: ${JSON.stringify(servedByCounts(running.started.logPath))}`],
      };
    },
  };
}

export const CONFIGURATIONS: readonly Configuration[] = [
  {
    id: 'direct',
    rows: [row('direct', 'direct to nginx (the limit)', { large: true, context: true })],
    start: async (ctx) => ({ url: ctx.originUrl, process: ctx.origin, owned: false, notes: ['CPU and RSS are the origin nginx itself'] }),
  },
  {
    id: 'nginx-peer',
    rows: [row('nginx-peer', 'nginx proxy_pass, keepalive (the peer)', { large: true, context: true })],
    start: async (ctx) => {
      const port = await freePort();
      const peer = await startPeer(ctx.workDir, port, Number(new URL(ctx.originUrl).port), ctx.proxyCpus);
      return { url: `http://127.0.0.1:${port}`, process: peer, owned: true, notes: [] };
    },
  },
  {
    id: 'library-proxy',
    rows: [row('library-proxy', 'plain forwarding library, keep-alive agent (library baseline)', { large: true })],
    start: async (ctx) => {
      const started = await startBaseline('library-proxy', ctx);
      const library = String(started.facts.library ?? 'forwarding library');
      return { ...started, owned: true, library, notes: [`library: ${library}`] };
    },
  },
  { id: 'raw-pipe', rows: [row('raw-pipe', 'raw Node http.request pipe (the floor)', { large: true })], start: async (ctx) => ({ ...(await startBaseline('raw-pipe', ctx)), owned: true, notes: [] }) },
  ficus('ficus-legacy', { mode: 'legacy' }, false, [
    row('ficus-legacy', 'Ficus, pass-through (route matched, flag off: legacy)', { large: true }),
    row('ficus-unrouted', 'Ficus, pass-through (no route matches)', { shape: { path: '/bench/unrouted' }, context: true }),
    row('ficus-traceparent', 'Ficus, pass-through, client sends traceparent (continued, no exporter)', { shape: { traceparent: true } }),
  ]),
  ficus('ficus-tracing', { mode: 'legacy' }, true, [row('ficus-tracing', 'Ficus, pass-through + tracing (OTLP, 100%)', { large: true })]),
  ficus('ficus-shadow', { mode: 'shadow' }, false, [row('ficus-shadow', 'Ficus, shadow (every request copied and compared)', { large: true })]),
  ficus('ficus-canary', { mode: 'canary', percent: 50 }, false, [row('ficus-canary', 'Ficus, canary 50%', { context: true })]),
];
