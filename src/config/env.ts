// Turns the command line and the environment into Settings. The only module (with main) that
// reads process.env: everything else gets plain values. Bad values are reported all at once.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, type ConfigProblem } from './config-error.ts';
import type { Settings, TelemetrySettings } from './settings.ts';

export const START_OPTIONS = {
  legacy: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'admin-port': { type: 'string' },
  'admin-host': { type: 'string' },
  routes: { type: 'string' },
  flags: { type: 'string' },
  db: { type: 'string' },
  'data-dir': { type: 'string' },
  demo: { type: 'boolean' },
  workers: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function readSettings(argv: readonly string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): Settings {
  const { values } = parseArgs({ args: [...argv], options: START_OPTIONS, strict: true, allowPositionals: false });
  const problems: ConfigProblem[] = [];
  const port = (name: string, raw: string | undefined, fallback: number) => {
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 65535) problems.push({ file: '(settings)', key: name, message: `not a port number: ${JSON.stringify(raw)}` });
    return n;
  };
  const demo = values.demo === true;
  // The demo keeps all its state (store, flags, log) in its own folder, so `npm run demo:reset`
  // can start it over without touching a real store, and `ficus set` never edits the checkout.
  const dataDir = resolve(cwd, values['data-dir'] ?? env.FICUS_DATA_DIR ?? (demo ? 'data/demo' : 'data'));
  const flagsGiven = values.flags ?? env.FICUS_FLAGS_DIR;
  const upstreamUrls: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const m = /^FICUS_UPSTREAM_([A-Z0-9_]+)_URL$/.exec(name);
    if (m && value) upstreamUrls[m[1]!.toLowerCase().replaceAll('_', '-')] = value;
  }
  const legacy = values.legacy ?? env.FICUS_LEGACY_URL;
  if (legacy) upstreamUrls.legacy = legacy;
  const unleashUrl = env.UNLEASH_URL;
  if (unleashUrl && !env.UNLEASH_API_TOKEN) problems.push({ file: '(environment)', key: 'UNLEASH_API_TOKEN', message: 'required when UNLEASH_URL is set' });
  const logLevel = (env.FICUS_LOG_LEVEL ?? 'info') as Settings['logLevel'];
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel)) problems.push({ file: '(environment)', key: 'FICUS_LOG_LEVEL', message: 'one of debug, info, warn, error, silent' });
  const tlsCert = env.FICUS_TLS_CERT_FILE;
  const tlsKey = env.FICUS_TLS_KEY_FILE;
  if (Boolean(tlsCert) !== Boolean(tlsKey)) problems.push({ file: '(environment)', key: 'FICUS_TLS_CERT_FILE/FICUS_TLS_KEY_FILE', message: 'set both or neither' });
  const settings: Settings = {
    port: port('--port', values.port ?? env.FICUS_PORT, 8080),
    host: values.host ?? env.FICUS_HOST ?? '0.0.0.0',
    adminPort: port('--admin-port', values['admin-port'] ?? env.FICUS_ADMIN_PORT, 8081),
    adminHost: values['admin-host'] ?? env.FICUS_ADMIN_HOST ?? '127.0.0.1',
    routesDir: resolve(cwd, values.routes ?? env.FICUS_ROUTES_DIR ?? 'routes'),
    flagsDir: flagsGiven ? resolve(cwd, flagsGiven) : demo ? resolve(dataDir, 'flags') : resolve(cwd, 'flags'),
    flagsSeedDir: !flagsGiven && demo ? resolve(cwd, 'flags') : undefined,
    dataDir,
    databaseUrl: values.db ?? env.FICUS_DATABASE_URL ?? `sqlite:${resolve(dataDir, 'ficus.db')}`,
    upstreamUrls,
    adminToken: env.FICUS_ADMIN_TOKEN || (demo ? 'demo-operator-token' : undefined),
    adminTokensFile: env.FICUS_ADMIN_TOKENS_FILE || undefined,
    diffKey: env.FICUS_DIFF_KEY || undefined,
    unleash: unleashUrl
      ? {
          url: unleashUrl,
          apiToken: env.UNLEASH_API_TOKEN ?? '',
          adminToken: env.UNLEASH_ADMIN_TOKEN || undefined,
          refreshIntervalMs: env.UNLEASH_REFRESH_INTERVAL_MS ? Number(env.UNLEASH_REFRESH_INTERVAL_MS) : undefined,
          project: env.UNLEASH_PROJECT || undefined,
          environment: env.UNLEASH_ENVIRONMENT || undefined,
        }
      : undefined,
    killSwitch: env.FICUS_KILL_SWITCH === '1' || env.FICUS_KILL_SWITCH === 'true',
    trustedProxies: (env.FICUS_TRUSTED_PROXIES ?? '127.0.0.1,::1').split(',').map((s) => s.trim()).filter(Boolean),
    stickySalt: env.FICUS_STICKY_SALT ?? 'ficus-sticky-v1',
    tls: tlsCert && tlsKey ? { certFile: resolve(cwd, tlsCert), keyFile: resolve(cwd, tlsKey) } : undefined,
    drainMs: Number(env.FICUS_DRAIN_MS ?? 25_000),
    demo,
    logLevel,
    accessLog: env.FICUS_ACCESS_LOG !== '0',
    differenceRetentionDays: Number(env.FICUS_DIFF_RETENTION_DAYS ?? 30),
    auditRetentionYears: Number(env.FICUS_AUDIT_RETENTION_YEARS ?? 6),
    telemetry: readTelemetrySettings(env, problems),
    ...readEdgeSettings(env, problems),
    autopilotTickMs: readAutopilotTick(env, problems),
    workers: readWorkers(values.workers ?? env.FICUS_WORKERS, problems),
  };
  if (problems.length) throw new ConfigError(problems);
  return settings;
}

// --- edge (owner: dispatch): client-facing limits of the proxy port ---
export const EDGE_DEFAULTS = { edgeKeepAliveMs: 5_000, warnIntervalMs: 60_000 } as const;

export function readEdgeSettings(env: NodeJS.ProcessEnv, problems: ConfigProblem[] = []): Required<Pick<Settings, 'acceptAbsoluteForm' | 'edgeKeepAliveMs' | 'warnIntervalMs'>> {
  const ms = (key: string, fallback: number, max = 3_600_000) => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (Number.isInteger(n) && n > 0 && n <= max) return n;
    problems.push({ file: '(environment)', key, message: `milliseconds between 1 and ${max}` });
    return fallback;
  };
  return {
    acceptAbsoluteForm: env.FICUS_ACCEPT_ABSOLUTE_FORM === '1' || env.FICUS_ACCEPT_ABSOLUTE_FORM === 'true',
    edgeKeepAliveMs: ms('FICUS_KEEPALIVE_TIMEOUT_MS', EDGE_DEFAULTS.edgeKeepAliveMs),
    warnIntervalMs: ms('FICUS_WARN_INTERVAL_MS', EDGE_DEFAULTS.warnIntervalMs),
  };
}
// --- end edge ---

/** `auto` is one worker per core (availableParallelism: what this process may run on, cgroups included). */
function readWorkers(raw: string | undefined, problems: ConfigProblem[]): number {
  if (raw === undefined || raw === '') return 1;
  if (raw.trim().toLowerCase() === 'auto') return availableParallelism();
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 1 && n <= 256) return n;
  problems.push({ file: '(settings)', key: '--workers', message: `a number of processes (1 to 256) or auto, not ${JSON.stringify(raw)}` });
  return 1;
}

/** 0 turns the autopilot off; otherwise 1 s .. 1 h between decisions. */
function readAutopilotTick(env: NodeJS.ProcessEnv, problems: ConfigProblem[]): number {
  const raw = env.FICUS_AUTOPILOT_TICK_MS;
  if (raw === undefined || raw === '') return 15_000;
  const n = Number(raw);
  if (n === 0 || (Number.isInteger(n) && n >= 1_000 && n <= 3_600_000)) return n;
  problems.push({ file: '(environment)', key: 'FICUS_AUTOPILOT_TICK_MS', message: '0 (off) or milliseconds between 1000 and 3600000' });
  return 15_000;
}

// --- telemetry (owner: telemetry): the standard OTEL_* variables, nothing Ficus-specific ---
const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;

export function readTelemetrySettings(env: NodeJS.ProcessEnv, problems: ConfigProblem[] = []): TelemetrySettings {
  const pick = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const raw = env[key]?.trim().toLowerCase();
    if (!raw) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push({ file: '(environment)', key, message: `one of ${allowed.join(', ')}` });
    return fallback;
  };
  const base = (env.OTEL_EXPORTER_OTLP_ENDPOINT || 'http://localhost:4318').replace(/\/+$/, '');
  const ratio = Number(env.OTEL_TRACES_SAMPLER_ARG ?? 1);
  if (!(ratio >= 0 && ratio <= 1)) problems.push({ file: '(environment)', key: 'OTEL_TRACES_SAMPLER_ARG', message: 'a ratio between 0 and 1' });
  const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL ?? 60_000);
  const headers: Record<string, string> = {};
  for (const pair of (env.OTEL_EXPORTER_OTLP_HEADERS ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  const disabled = env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true';
  const metricsExporter = pick('OTEL_METRICS_EXPORTER', ['otlp', 'prometheus', 'none'], 'none');
  return {
    tracesExporter: disabled ? 'none' : pick('OTEL_TRACES_EXPORTER', ['otlp', 'console', 'none'], 'none'),
    metricsExporter: disabled ? 'none' : metricsExporter,
    otlpTracesUrl: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || `${base}/v1/traces`,
    otlpMetricsUrl: env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT || `${base}/v1/metrics`,
    otlpHeaders: headers,
    sampler: pick('OTEL_TRACES_SAMPLER', SAMPLERS, 'parentbased_always_on'),
    samplerArg: ratio >= 0 && ratio <= 1 ? ratio : 1,
    serviceName: env.OTEL_SERVICE_NAME || 'ficus',
    metricExportIntervalMs: Number.isFinite(interval) && interval > 0 ? interval : 60_000,
  };
}
// --- end telemetry ---
