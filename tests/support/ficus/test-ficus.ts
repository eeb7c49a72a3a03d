// The one way tests start Ficus in-process: temp routes/, flags/ and data/ folders, real upstreams
// on 127.0.0.1:0, and a pino logger writing into an array. Options cover what the suites need —
// upstreams as specs or as raw YAML (TLS), extra route files, the repository's own config, an
// injected clock and randomness, spans into memory, server mode's poll interval — and the handle
// restarts Ficus on the same folders (store loss, backups). A real process is ficus-process.ts.
//
//   const h = await startTestFicus({ routes: ROUTES_YAML, flags: { 'ficus.items': { mode: 'new' } } });
//   await fetch(`${h.proxyUrl}/items/1`); await h.setFlagMode('ficus.items', 'canary', 25);
//   await h.close();
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import type { RouteSummary } from '../../../src/admin/route-report.ts';
import type { Mode } from '../../../src/shared/words.ts';
import type { Settings } from '../../../src/config/settings.ts';
import { startFicus, type Ficus, type StartOptions } from '../../../src/ficus.ts';
import { REPO_ROOT } from '../repo-root.ts';
import { startEchoUpstream, type TestUpstream } from '../upstreams/http-upstream.ts';
import { waitFor } from '../wait-for.ts';
import { DEFAULT_ROUTES, flagsFileText, makeConfigDirs, testSettings, upstreamsYaml, type FlagSpec, type UpstreamSpecForTest } from './config-files.ts';
import { createLogSink, nextLogEntry, type LogEntry, type LogSink } from './log-sink.ts';
import { writeFlagsAndWait, writeRoutesAndWait, type RoutesReloadOutcome } from './wait-for-reload.ts';

export interface TestFicusOptions {
  /**
   * routes/routes.yaml (a whole file body, without `upstreams:`); defaults to DEFAULT_ROUTES.
   * `false`: no route files at all (pass-through from zero routes; give legacy in settings.upstreamUrls).
   */
  readonly routes?: string | false;
  /** Other files written into routes/ beside routes.yaml (a formulary, a second route file). */
  readonly routeFiles?: Readonly<Record<string, string>>;
  /**
   * Upstreams by name (a URL or a spec); `legacy` and `next` default to fresh echo upstreams tagged
   * legacy/new. A string is written as routes/upstreams.yaml verbatim (TLS options) and starts none.
   */
  readonly upstreams?: Readonly<Record<string, string | UpstreamSpecForTest>> | string;
  /** Flags written to flags/features.json (with DEFAULT_ROUTES, its flags default to legacy). */
  readonly flags?: Readonly<Record<string, FlagSpec>>;
  /** 'repo': copy the repository's routes/ and flags/ (the demo config) instead of writing any. */
  readonly config?: 'repo';
  readonly settings?: Partial<Settings>;
  /** 'in-memory': spans go to `spans` (one traced Ficus per file at a time: OTel's provider is global). */
  readonly traces?: 'in-memory';
  readonly now?: StartOptions['now'];
  readonly random?: StartOptions['random'];
  readonly unleashRefreshIntervalMs?: number;
  readonly storeCheckIntervalMs?: number;
}

export interface TestFicus {
  /** The running Ficus (the newest one after restart()). */
  readonly ficus: Ficus;
  readonly proxyUrl: string;
  readonly adminUrl: string;
  /** Parsed pino lines of the running Ficus, oldest first. */
  readonly logs: LogEntry[];
  readonly root: string;
  readonly routesDir: string;
  readonly flagsDir: string;
  readonly dataDir: string;
  /** URLs of the upstreams (including the default ones the harness started). */
  readonly upstreamUrls: Readonly<Record<string, string>>;
  /** Finished spans (only with `traces: 'in-memory'`). */
  readonly spans: InMemorySpanExporter;
  /** Rewrites one flag (keeping the others) and waits until Ficus evaluates the new revision. */
  setFlagMode(flag: string, mode: Mode, percent?: number): Promise<void>;
  /** Rewrites flags/features.json with exactly these flags and waits for the reload. */
  setFlags(flags: Readonly<Record<string, FlagSpec>>): Promise<void>;
  /** Writes raw text as flags/features.json (e.g. broken JSON); waits for the reload or its failure log. */
  writeFlagsFile(text: string): Promise<void>;
  /** Writes routes/routes.yaml; resolves with the reload Ficus announces (reloaded, refused, or unchanged). */
  writeRoutes(yaml: string): Promise<RoutesReloadOutcome>;
  /** Writes files into routes/ in one go (e.g. upstreams.yaml and routes.yaml) and waits as writeRoutes does. */
  writeRouteFiles(files: Readonly<Record<string, string>>): Promise<RoutesReloadOutcome>;
  waitForLog(predicate: (entry: LogEntry) => boolean, timeoutMs?: number): Promise<LogEntry>;
  /** GET /api/routes after flushing statistics: the route's summary as an operator sees it. */
  routeSummary(id: string): Promise<RouteSummary>;
  /** Access log lines (event 'request'), oldest first. */
  requests(): LogEntry[];
  /** Closes the running Ficus, keeping folders and upstreams (restart() starts it again). */
  stop(): Promise<void>;
  /** Starts a fresh Ficus on the same folders (stopping the running one first), with new logs. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Writes the folders without starting Ficus (`start()` it later: server mode pushes flags/ first). */
export async function createTestFicus(options: TestFicusOptions = {}): Promise<TestFicus & { start(): Promise<void> }> {
  const dirs = makeConfigDirs();
  const started: TestUpstream[] = [];
  const cleanup = async () => {
    await Promise.all(started.map((u) => u.close()));
    dirs.remove();
  };
  const upstreamUrls: Record<string, string> = {};
  // DEFAULT_ROUTES' flags start on legacy; a test with its own routes writes exactly the flags it gives.
  const defaultFlags: Record<string, FlagSpec> = options.routes === undefined ? { 'ficus.items': { mode: 'legacy' }, 'ficus.search': { mode: 'legacy' }, 'ficus.open': { mode: 'legacy' } } : {};
  const flags: Record<string, FlagSpec> = { ...defaultFlags, ...options.flags };
  try {
    if (options.config === 'repo') {
      cpSync(join(REPO_ROOT, 'routes'), dirs.routesDir, { recursive: true });
      cpSync(join(REPO_ROOT, 'flags'), dirs.flagsDir, { recursive: true });
    } else {
      if (options.routes !== false) {
        writeFileSync(join(dirs.routesDir, 'upstreams.yaml'), typeof options.upstreams === 'string' ? options.upstreams : upstreamsYaml(await withDefaultUpstreams(options.upstreams ?? {}, started, upstreamUrls)));
        writeFileSync(join(dirs.routesDir, 'routes.yaml'), options.routes ?? DEFAULT_ROUTES);
      }
      for (const [name, text] of Object.entries(options.routeFiles ?? {})) writeFileSync(join(dirs.routesDir, name), text);
      writeFileSync(join(dirs.flagsDir, 'features.json'), flagsFileText(flags));
    }
  } catch (error) {
    await cleanup();
    throw error;
  }

  const spans = new InMemorySpanExporter();
  let running: { ficus: Ficus; sink: LogSink } | undefined;
  const current = () => {
    if (!running) throw new Error('Ficus is not running (start() or restart() it first)');
    return running;
  };
  const start = async () => {
    if (running) return;
    const sink = createLogSink();
    const ficus = await startFicus(testSettings(dirs, options.settings), {
      log: sink.log,
      now: options.now,
      random: options.random,
      unleashRefreshIntervalMs: options.unleashRefreshIntervalMs,
      storeCheckIntervalMs: options.storeCheckIntervalMs,
      spanProcessors: options.traces === 'in-memory' ? [new SimpleSpanProcessor({ exporter: spans })] : undefined,
    });
    running = { ficus, sink };
  };
  const stop = async () => {
    const was = running;
    running = undefined;
    await was?.ficus.close();
  };
  const writeFlagsText = (text: string) => writeFlagsAndWait(current().ficus, current().sink, dirs.flagsDir, text);
  const writeRouteFiles = (files: Readonly<Record<string, string>>) => writeRoutesAndWait(current().ficus, dirs.routesDir, files);

  return {
    get ficus() { return current().ficus; },
    get proxyUrl() { return current().ficus.proxyUrl; },
    get adminUrl() { return current().ficus.adminUrl; },
    get logs() { return current().sink.logs; },
    get spans() {
      if (options.traces !== 'in-memory') throw new Error("spans are recorded only with traces: 'in-memory'");
      return spans;
    },
    root: dirs.root,
    routesDir: dirs.routesDir,
    flagsDir: dirs.flagsDir,
    dataDir: dirs.dataDir,
    upstreamUrls,
    async setFlagMode(flag, mode, percent = 0) {
      flags[flag] = { mode, percent };
      await writeFlagsText(flagsFileText(flags));
    },
    async setFlags(next) {
      for (const name of Object.keys(flags)) delete flags[name];
      Object.assign(flags, next);
      await writeFlagsText(flagsFileText(flags));
    },
    writeFlagsFile: writeFlagsText,
    writeRoutes: (yaml) => writeRouteFiles({ 'routes.yaml': yaml }),
    writeRouteFiles,
    waitForLog: (predicate, timeoutMs = 5_000) => nextLogEntry(current().sink, predicate, timeoutMs),
    async routeSummary(id) {
      await current().ficus.flush();
      const res = await fetch(`${current().ficus.adminUrl}/api/routes`, { headers: { authorization: 'Bearer test-token' } });
      const body = (await res.json()) as { routes: RouteSummary[] };
      const summary = body.routes.find((r) => r.id === id);
      if (!summary) throw new Error(`no route ${id} in /api/routes`);
      return summary;
    },
    requests: () => current().sink.logs.filter((l) => l.event === 'request'),
    start,
    stop,
    async restart() {
      await stop();
      await start();
    },
    async close() {
      await stop();
      await cleanup();
    },
  };
}

/** Writes the folders, starts upstreams it was not given, starts Ficus. */
export async function startTestFicus(options: TestFicusOptions = {}): Promise<TestFicus> {
  const t = await createTestFicus(options);
  try {
    await t.start();
  } catch (error) {
    await t.close();
    throw error;
  }
  return t;
}

/** Fills in `legacy` and `next` with fresh echo upstreams when the test did not name them. */
async function withDefaultUpstreams(given: Readonly<Record<string, string | UpstreamSpecForTest>>, started: TestUpstream[], urls: Record<string, string>): Promise<Record<string, UpstreamSpecForTest>> {
  const specs: Record<string, UpstreamSpecForTest> = {};
  for (const [name, spec] of Object.entries(given)) specs[name] = typeof spec === 'string' ? { url: spec } : spec;
  for (const [name, side] of [['legacy', 'legacy'], ['next', 'new']] as const) {
    if (specs[name]) continue;
    const upstream = await startEchoUpstream(side);
    started.push(upstream);
    specs[name] = { url: upstream.url };
  }
  for (const [name, spec] of Object.entries(specs)) urls[name] = spec.url;
  return specs;
}

/** Waits (bounded) until the access log holds `count` request lines; returns the last one. */
export async function lastRequestLog(logs: readonly LogEntry[], count: number): Promise<LogEntry> {
  return waitFor(() => {
    const lines = logs.filter((l) => l.event === 'request');
    return lines.length >= count ? lines[count - 1] : undefined;
  }, 5_000, `access log line ${count}`);
}
