// Ficus started in-process for a test: real upstreams on 127.0.0.1:0, temp routes/ and flags/
// folders, and a pino logger writing into an array.
//
//   const h = await startHarness({ routes: ROUTES_YAML, flags: { 'ficus.items': { mode: 'new' } } });
//   await fetch(`${h.proxyUrl}/items/1`); await h.setFlagMode('ficus.items', 'canary', 25);
//   await h.close();
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mode } from '../../../src/compare/evidence.ts';
import type { Settings } from '../../../src/config/settings.ts';
import { startFicus, type Ficus } from '../../../src/ficus.ts';
import { startEchoUpstream, type TestUpstream } from '../upstreams/http-upstream.ts';
import { waitFor } from '../wait-for.ts';
import { DEFAULT_ROUTES, flagsFileText, testSettings, upstreamsYaml, type FlagSpec, type UpstreamSpecForTest } from './config-files.ts';
import { createLogSink, type LogEntry } from './log-sink.ts';

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

/** The revision Ficus computes for a flags folder (same recipe as readFlagFiles). */
function folderHash(dir: string, pattern: RegExp, length?: number): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).filter((n) => pattern.test(n) && !n.startsWith('.')).sort()) {
    hash.update(name).update('\0').update(readFileSync(join(dir, name), 'utf8')).update('\0');
  }
  const hex = hash.digest('hex');
  return length ? hex.slice(0, length) : hex;
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

