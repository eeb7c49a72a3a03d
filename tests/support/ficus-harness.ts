// Test harness for Ficus: real upstreams on 127.0.0.1:0, temp routes/ and flags/ folders, Ficus
// started in-process through startFicus() with a pino logger writing into an array, and a child
// process runner for the tests that need a real process (signals, RSS, exit codes).
//
//   const h = await startHarness({ routes: ROUTES_YAML, flags: { 'ficus.items': { mode: 'new' } } });
//   await fetch(`${h.proxyUrl}/items/1`); await h.setFlagMode('ficus.items', 'canary', 25);
//   await h.close();
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { Mode } from '../../src/compare/evidence.ts';
import type { Settings } from '../../src/config/settings.ts';
import { flagForMode } from '../../src/decision/flag-shape.ts';
import { startFicus, type Ficus } from '../../src/ficus.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type LogEntry = Record<string, unknown> & { event?: string; msg?: string; level?: number };

export interface FlagSpec {
  readonly mode: Mode;
  readonly percent?: number;
}

export interface UpstreamSpecForTest {
  readonly url: string;
  /** YAML flow mapping body for the upstream's timeouts, e.g. `{ headersMs: 300 }`. */
  readonly timeouts?: Partial<Record<'connectMs' | 'headersMs' | 'idleMs', number>>;
  readonly rewriteHost?: boolean;
}

export interface HarnessOptions {
  /** The `routes:` YAML (a whole file body, without `upstreams:`); defaults to DEFAULT_ROUTES. */
  readonly routes?: string;
  /** Upstreams by name. `legacy` and `next` default to fresh `startEchoUpstream` servers tagged legacy/new. */
  readonly upstreams?: Readonly<Record<string, UpstreamSpecForTest>>;
  /** Flags written to flags/features.json (every flag of DEFAULT_ROUTES defaults to legacy). */
  readonly flags?: Readonly<Record<string, FlagSpec>>;
  readonly settings?: Partial<Settings>;
}

export interface Harness {
  readonly ficus: Ficus;
  readonly proxyUrl: string;
  readonly adminUrl: string;
  /** Parsed pino lines, oldest first. */
  readonly logs: LogEntry[];
  readonly routesDir: string;
  readonly flagsDir: string;
  /** URLs of the upstreams (including the default ones the harness started). */
  readonly upstreamUrls: Readonly<Record<string, string>>;
  /** Rewrites the flag and waits until Ficus evaluates the new revision. */
  setFlagMode(flag: string, mode: Mode, percent?: number): Promise<void>;
  /** Writes raw text as flags/features.json (e.g. broken JSON); waits for the reload or its failure log. */
  writeFlagsFile(text: string): Promise<void>;
  /** Writes routes/routes.yaml; resolves once Ficus serves the new table or logged that it refused it. */
  writeRoutes(yaml: string): Promise<'reloaded' | 'refused'>;
  waitForLog(predicate: (entry: LogEntry) => boolean, timeoutMs?: number): Promise<LogEntry>;
  close(): Promise<void>;
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
export function testSettings(dirs: { routesDir: string; flagsDir: string; dataDir: string }, overrides: Partial<Settings> = {}): Settings {
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

/** The revision Ficus computes for a flags folder (same recipe as readFlagFiles). */
function folderHash(dir: string, pattern: RegExp, length?: number): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).filter((n) => pattern.test(n) && !n.startsWith('.')).sort()) {
    hash.update(name).update('\0').update(readFileSync(join(dir, name), 'utf8')).update('\0');
  }
  const hex = hash.digest('hex');
  return length ? hex.slice(0, length) : hex;
}

export function createLogSink(): { logs: LogEntry[]; log: pino.Logger } {
  const logs: LogEntry[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) logs.push(JSON.parse(line) as LogEntry);
      }
      done();
    },
  });
  const log = pino({ level: 'debug', base: { service: 'ficus' } }, stream);
  return { logs, log };
}

export async function waitFor<T>(probe: () => T | undefined | false, timeoutMs = 5_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const root = mkdtempSync(join(tmpdir(), 'ficus-test-'));
  const routesDir = join(root, 'routes');
  const flagsDir = join(root, 'flags');
  const dataDir = join(root, 'data');
  for (const d of [routesDir, flagsDir, dataDir]) mkdirSync(d);

  const started: TestUpstream[] = [];
  const upstreams: Record<string, UpstreamSpecForTest> = { ...options.upstreams };
  for (const [name, side] of [['legacy', 'legacy'], ['next', 'new']] as const) {
    if (!upstreams[name]) {
      const u = await startEchoUpstream(side);
      started.push(u);
      upstreams[name] = { url: u.url };
    }
  }
  const flags: Record<string, FlagSpec> = { 'ficus.items': { mode: 'legacy' }, 'ficus.search': { mode: 'legacy' }, 'ficus.open': { mode: 'legacy' }, ...options.flags };
  writeFileSync(join(routesDir, 'upstreams.yaml'), upstreamsYaml(upstreams));
  writeFileSync(join(routesDir, 'routes.yaml'), options.routes ?? DEFAULT_ROUTES);
  writeFileSync(join(flagsDir, 'features.json'), flagsFileText(flags));

  const { logs, log } = createLogSink();
  let ficus: Ficus;
  try {
    ficus = await startFicus(testSettings({ routesDir, flagsDir, dataDir }, options.settings), { log });
  } catch (error) {
    await Promise.all(started.map((u) => u.close()));
    rmSync(root, { recursive: true, force: true });
    throw error;
  }

  const waitForLog = (predicate: (entry: LogEntry) => boolean, timeoutMs = 5_000) => waitFor(() => logs.find(predicate), timeoutMs, 'log line');

  const writeFlagsText = async (text: string) => {
    const failuresBefore = logs.filter((l) => l.event === 'flags-reload-failed').length;
    writeFileSync(join(flagsDir, 'features.json'), text);
    const expected = folderHash(flagsDir, /\.json$/, 12);
    await waitFor(() => ficus.flags.revision() === expected || logs.filter((l) => l.event === 'flags-reload-failed').length > failuresBefore, 5_000, 'flags reload');
  };

  return {
    ficus,
    proxyUrl: ficus.proxyUrl,
    adminUrl: ficus.adminUrl,
    logs,
    routesDir,
    flagsDir,
    upstreamUrls: Object.fromEntries(Object.entries(upstreams).map(([n, s]) => [n, s.url])),
    async setFlagMode(flag, mode, percent = 0) {
      flags[flag] = { mode, percent };
      await writeFlagsText(flagsFileText(flags));
    },
    writeFlagsFile: writeFlagsText,
    async writeRoutes(yaml) {
      const failuresBefore = logs.filter((l) => l.event === 'routes-reload-failed').length;
      writeFileSync(join(routesDir, 'routes.yaml'), yaml);
      const expected = folderHash(routesDir, /\.ya?ml$/);
      return waitFor(() => {
        if (ficus.routes().hash === expected) return 'reloaded' as const;
        if (logs.filter((l) => l.event === 'routes-reload-failed').length > failuresBefore) return 'refused' as const;
        return undefined;
      }, 5_000, 'routes reload');
    },
    waitForLog,
    async close() {
      await ficus.close();
      await Promise.all(started.map((u) => u.close()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Upstreams

export interface TestUpstream {
  readonly url: string;
  readonly server: http.Server;
  /** Requests received so far (method, raw url, raw headers). */
  readonly received: { method: string; url: string; rawHeaders: string[] }[];
  close(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1:0 with the given handler. */
export async function startUpstream(handler: http.RequestListener, options: http.ServerOptions = {}): Promise<TestUpstream> {
  const received: TestUpstream['received'] = [];
  const server = http.createServer({ requestTimeout: 0, ...options }, (req, res) => {
    received.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: [...req.rawHeaders] });
    handler(req, res);
  });
  const url = await listenLoopback(server);
  return { url, server, received, close: () => closeServer(server) };
}

/** An upstream that answers every request with JSON naming its side: { side, method, url }. */
export function startEchoUpstream(side: string): Promise<TestUpstream> {
  return startUpstream((req, res) => {
    req.resume();
    req.once('end', () => {
      const body = JSON.stringify({ side, method: req.method, url: req.url });
      res.writeHead(200, { 'content-type': 'application/json', 'x-side': side, 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
}

export function listenLoopback(server: http.Server | import('node:net').Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
}

export function closeServer(server: http.Server | import('node:net').Server): Promise<void> {
  return new Promise((resolve) => {
    (server as http.Server).closeAllConnections?.();
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

// ---------------------------------------------------------------------------------------------
// Child process

export interface FicusProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly proxyUrl: string;
  readonly adminUrl: string;
  /** Parsed JSON lines of stdout (pino), oldest first. */
  readonly lines: LogEntry[];
  stderr(): string;
  /** Resolves when the process exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

export interface ProcessRun {
  readonly child: ChildProcess;
  readonly lines: LogEntry[];
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `node src/main.ts start ...args` on the pinned Node 24 (process.execPath under vitest). */
export function spawnFicus(args: readonly string[], env: NodeJS.ProcessEnv = {}): ProcessRun {
  const child = spawn(process.execPath, ['src/main.ts', 'start', ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, FICUS_PORT: '0', FICUS_ADMIN_PORT: '0', FICUS_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogEntry[] = [];
  let out = '';
  let err = '';
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    out += text;
    pending += text;
    let nl: number;
    while ((nl = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      try {
        lines.push(JSON.parse(line) as LogEntry);
      } catch {
        lines.push({ raw: line });
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (err += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, lines, stdout: () => out, stderr: () => err, exited };
}

/** Starts Ficus as a child process and waits for its `"event":"listening"` line. */
export async function startFicusProcess(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<FicusProcess> {
  const run = spawnFicus(args, env);
  let exited: { code: number | null } | undefined;
  void run.exited.then((e) => (exited = e));
  try {
    const listening = await waitFor(() => {
      if (exited) throw new Error(`ficus exited (${exited.code}) before listening: ${run.stderr()}`);
      return run.lines.find((l) => l.event === 'listening');
    }, timeoutMs, 'ficus listening');
    return {
      child: run.child,
      pid: run.child.pid!,
      proxyUrl: String(listening.proxyUrl),
      adminUrl: String(listening.adminUrl),
      lines: run.lines,
      stderr: run.stderr,
      exited: run.exited,
      kill: (signal = 'SIGTERM') => void run.child.kill(signal),
    };
  } catch (error) {
    run.child.kill('SIGKILL');
    throw error;
  }
}

/** Stops a child started by startFicusProcess if it is still running (test cleanup). */
export async function stopFicusProcess(p: FicusProcess | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGKILL');
  await p.exited;
}

/** Writes routes/ and flags/ folders for a child-process Ficus; returns their paths and a cleanup. */
export function writeConfigDirs(routesYaml: string, upstreams: Readonly<Record<string, UpstreamSpecForTest>>, flags: Readonly<Record<string, FlagSpec>>): { root: string; routesDir: string; flagsDir: string; dataDir: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'ficus-proc-'));
  const routesDir = join(root, 'routes');
  const flagsDir = join(root, 'flags');
  const dataDir = join(root, 'data');
  for (const d of [routesDir, flagsDir, dataDir]) mkdirSync(d, { recursive: true });
  writeFileSync(join(routesDir, 'upstreams.yaml'), upstreamsYaml(upstreams));
  writeFileSync(join(routesDir, 'routes.yaml'), routesYaml);
  writeFileSync(join(flagsDir, 'features.json'), flagsFileText(flags));
  return { root, routesDir, flagsDir, dataDir, remove: () => rmSync(root, { recursive: true, force: true }) };
}
