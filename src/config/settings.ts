// Settings: everything Ficus is started with, from the command line and the environment.
// Read once in main; every other module receives what it needs as arguments.

export interface Settings {
  readonly port: number;
  readonly host: string;
  readonly adminPort: number;
  readonly adminHost: string;
  readonly routesDir: string;
  readonly flagsDir: string;
  readonly dataDir: string;
  readonly databaseUrl: string;
  /** Upstream name → URL overriding the route files (legacy from --legacy / FICUS_LEGACY_URL). */
  readonly upstreamUrls: Readonly<Record<string, string>>;
  readonly adminToken: string | undefined;
  readonly adminTokensFile: string | undefined;
  readonly diffKey: string | undefined;
  readonly unleash: { readonly url: string; readonly apiToken: string; readonly adminToken?: string } | undefined;
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
}
