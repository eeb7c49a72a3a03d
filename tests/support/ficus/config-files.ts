// What a test writes into Ficus's folders: routes/upstreams.yaml, routes/routes.yaml and
// flags/features.json, and the Settings of a Ficus on ephemeral loopback ports.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mode } from '../../../src/shared/words.ts';
import type { Settings } from '../../../src/config/settings.ts';
import { flagForMode } from '../../../src/decision/flag-shape.ts';

export interface FlagSpec {
  readonly mode: Mode;
  readonly percent?: number;
}

export interface UpstreamSpecForTest {
  readonly url: string;
  /** YAML flow mapping body for the upstream's timeouts, e.g. `{ headersMs: 300 }`. */
  readonly timeouts?: Partial<Record<'connectMs' | 'headersMs' | 'idleMs' | 'queueMs' | 'bodyIdleMs', number>>;
  readonly rewriteHost?: boolean;
}

export interface ConfigDirs {
  readonly routesDir: string;
  readonly flagsDir: string;
  readonly dataDir: string;
}

export const DEFAULT_ROUTES = `routes:
  - id: items
    match: { methods: ['*'], path: /items/:id }
    new: next
    flag: ficus.items
    stickiness: { path: id }
  - id: search
    match: { methods: [GET], path: /search }
    new: next
    flag: ficus.search
    stickiness: { query: patient }
  - id: open
    match: { methods: ['*'], path: /open/* }
    new: next
    flag: ficus.open
`;

/** Settings for an in-process Ficus on ephemeral loopback ports. */
export function testSettings(dirs: ConfigDirs, overrides: Partial<Settings> = {}): Settings {
  return {
    port: 0,
    host: '127.0.0.1',
    adminPort: 0,
    adminHost: '127.0.0.1',
    routesDir: dirs.routesDir,
    flagsDir: dirs.flagsDir,
    dataDir: dirs.dataDir,
    databaseUrl: `sqlite:${join(dirs.dataDir, 'ficus.db')}`,
    upstreamUrls: {},
    adminToken: 'test-token',
    adminTokensFile: undefined,
    diffKey: undefined,
    unleash: undefined,
    killSwitch: false,
    trustedProxies: [],
    stickySalt: 'test-salt',
    tls: undefined,
    drainMs: 5_000,
    demo: false,
    logLevel: 'debug',
    accessLog: true,
    differenceRetentionDays: 30,
    auditRetentionYears: 6,
    ...overrides,
  };
}

export function upstreamsYaml(upstreams: Readonly<Record<string, UpstreamSpecForTest>>): string {
  const lines = ['upstreams:'];
  for (const [name, spec] of Object.entries(upstreams)) {
    lines.push(`  ${name}:`, `    url: ${spec.url}`);
    if (spec.rewriteHost !== undefined) lines.push(`    rewriteHost: ${spec.rewriteHost}`);
    if (spec.timeouts) lines.push(`    timeouts: ${JSON.stringify(spec.timeouts)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function flagsFileText(flags: Readonly<Record<string, FlagSpec>>): string {
  const features = Object.entries(flags).map(([name, spec]) => flagForMode(name, spec.mode, spec.percent ?? 0));
  return `${JSON.stringify({ version: 2, features }, null, 2)}\n`;
}

/** Makes a temp root holding empty routes/, flags/ and data/ folders. */
export function makeConfigDirs(prefix = 'ficus-test-'): ConfigDirs & { readonly root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const dirs = { routesDir: join(root, 'routes'), flagsDir: join(root, 'flags'), dataDir: join(root, 'data') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return { root, ...dirs, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Writes routes/ and flags/ folders for a child-process Ficus; returns their paths and a cleanup. */
export function writeConfigDirs(routesYaml: string, upstreams: Readonly<Record<string, UpstreamSpecForTest>>, flags: Readonly<Record<string, FlagSpec>>): ConfigDirs & { root: string; remove(): void } {
  const dirs = makeConfigDirs('ficus-proc-');
  writeFileSync(join(dirs.routesDir, 'upstreams.yaml'), upstreamsYaml(upstreams));
  writeFileSync(join(dirs.routesDir, 'routes.yaml'), routesYaml);
  writeFileSync(join(dirs.flagsDir, 'features.json'), flagsFileText(flags));
  return dirs;
}
