// Settings: everything Ficus is started with, from the command line and the environment.
// Read once in main; every other module receives what it needs as arguments.

export interface Settings {
  readonly port: number;
  readonly host: string;
  readonly adminPort: number;
  readonly adminHost: string;
  readonly routesDir: string;
  readonly flagsDir: string;
  /** Demo: the checkout's flags/, copied into flagsDir on first start (flagsDir is then the demo's own). */
  readonly flagsSeedDir?: string;
  readonly dataDir: string;
  readonly databaseUrl: string;
  /** Upstream name → URL overriding the route files (legacy from --legacy / FICUS_LEGACY_URL). */
  readonly upstreamUrls: Readonly<Record<string, string>>;
  readonly adminToken: string | undefined;
  readonly adminTokensFile: string | undefined;
  readonly diffKey: string | undefined;
  readonly unleash:
    | {
        readonly url: string;
        readonly apiToken: string;
        readonly adminToken?: string;
        readonly refreshIntervalMs?: number;
        readonly project?: string;
        readonly environment?: string;
      }
    | undefined;
  readonly killSwitch: boolean;
  /** Peers whose X-Forwarded-* are kept (exact addresses or CIDRs). */
  readonly trustedProxies: readonly string[];
  /** Salt of the sticky-key hash: the same on every replica. */
  readonly stickySalt: string;
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  readonly drainMs: number;
  readonly demo: boolean;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  readonly accessLog: boolean;
  readonly differenceRetentionDays: number;
  readonly auditRetentionYears: number;
  // --- edge (owner: dispatch); optional so embedders and tests may omit them: defaults in env.ts ---
  /** FICUS_ACCEPT_ABSOLUTE_FORM=1: accept `GET http://host/path` when host equals Host (default refused, 400). */
  readonly acceptAbsoluteForm?: boolean;
  /** FICUS_KEEPALIVE_TIMEOUT_MS: idle time before Ficus closes a client's keep-alive connection (default 5000). */
  readonly edgeKeepAliveMs?: number;
  /** FICUS_WARN_INTERVAL_MS: at most one warning line per kind of refused request per interval (default 60000). */
  readonly warnIntervalMs?: number;
  // --- end edge ---
  /**
   * --workers / FICUS_WORKERS: proxy processes sharing the listening port (`auto` = one per core).
   * 1 (the default) is one process doing everything; above, a primary keeps the admin API, flags,
   * reloads, autopilot and store, and the workers serve requests (src/cluster/).
   */
  readonly workers?: number;
  /** FICUS_AUTOPILOT_TICK_MS: how often the autopilot decides (default 15000; 0 turns it off). */
  readonly autopilotTickMs?: number;
  // --- telemetry (owner: telemetry) ---
  /** OpenTelemetry export, from the standard OTEL_* variables; undefined = no tracing, /metrics only. */
  readonly telemetry?: TelemetrySettings;
  // --- end telemetry ---
}

/** The OTEL_* variables Ficus honours, read once in config/env.ts. */
export interface TelemetrySettings {
  /** OTEL_TRACES_EXPORTER: otlp (OTLP/HTTP JSON), console, none (default). */
  readonly tracesExporter: 'otlp' | 'console' | 'none';
  /** OTEL_METRICS_EXPORTER: otlp pushes too; prometheus/none (default) = only the admin /metrics page. */
  readonly metricsExporter: 'otlp' | 'prometheus' | 'none';
  /** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
  readonly otlpTracesUrl: string;
  /** OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/metrics. */
  readonly otlpMetricsUrl: string;
  /** OTEL_EXPORTER_OTLP_HEADERS (key=value,...), e.g. a collector's API key. */
  readonly otlpHeaders: Readonly<Record<string, string>>;
  /** OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG; default parentbased_always_on. */
  readonly sampler: 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';
  readonly samplerArg: number;
  /** OTEL_SERVICE_NAME (default ficus). */
  readonly serviceName: string;
  /** OTEL_METRIC_EXPORT_INTERVAL in ms (default 60000). */
  readonly metricExportIntervalMs: number;
}
