// Starts a real Ficus (`src/main.ts start`) for the benchmark, in a given mode for the patient-read
// route, against the benchmark's upstream, with its own copy of routes/ and flags/ in a temp dir.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, waitForHttp, waitForLogLine } from './processes.ts';
import type { Started } from './processes.ts';

/** The route every benchmark request hits (GET /fhir/Patient/:id, sticky by patient id). */
export const BENCH_FLAG = 'ficus.patient-read';

export type FicusMode = { readonly mode: 'legacy' | 'shadow' | 'new' } | { readonly mode: 'canary'; readonly percent: number };

interface UnleashFeature {
  name: string;
  enabled: boolean;
  strategies: unknown[];
  [key: string]: unknown;
}

const variant = (name: string, stickiness = 'default') => ({ name, weight: 1000, weightType: 'variable', stickiness });

/** The flag for one mode, in the Unleash client-features shape flags/ uses (see the brief). */
export function featureFor(base: UnleashFeature, mode: FicusMode): UnleashFeature {
  switch (mode.mode) {
    case 'legacy':
      return { ...base, enabled: false, strategies: [] };
    case 'shadow':
    case 'new':
      return { ...base, enabled: true, strategies: [{ name: 'default', parameters: {}, variants: [variant(mode.mode)] }] };
    case 'canary':
      return {
        ...base,
        enabled: true,
        strategies: [
          { name: 'flexibleRollout', parameters: { rollout: String(mode.percent), stickiness: 'ficusKey', groupId: base.name }, variants: [variant('canary-new', 'ficusKey')] },
          { name: 'default', parameters: {}, variants: [variant('canary-legacy')] },
        ],
      };
  }
}

/** Copies the project's routes/ and flags/ into `dir`, with the bench route's flag set to `mode`. */
export function writeFicusConfig(projectRoot: string, dir: string, mode: FicusMode): { routes: string; flags: string } {
  const routes = join(dir, 'routes');
  const flags = join(dir, 'flags');
  cpSync(join(projectRoot, 'routes'), routes, { recursive: true });
  mkdirSync(flags, { recursive: true });
  const features = JSON.parse(readFileSync(join(projectRoot, 'flags', 'features.json'), 'utf8')) as { features: UnleashFeature[] };
  const base = features.features.find((f) => f.name === BENCH_FLAG);
  if (!base) throw new Error(`flags/features.json has no ${BENCH_FLAG}`);
  features.features = features.features.map((f) => (f.name === BENCH_FLAG ? featureFor(base, mode) : f));
  writeFileSync(join(flags, 'features.json'), JSON.stringify(features, null, 2));
  return { routes, flags };
}

export interface RunningFicus {
  readonly started: Started;
  readonly proxyUrl: string;
  readonly adminUrl: string;
}

export interface FicusLaunch {
  readonly projectRoot: string;
  readonly dir: string;
  readonly name: string;
  readonly legacyUrl: string;
  /** Where the route's new service points (FICUS_UPSTREAM_EHR_NEXT_URL). */
  readonly newUrl: string;
  readonly mode: FicusMode;
  readonly cpus: string | undefined;
  /** OTEL_* and the like; tracing stays off unless given. */
  readonly env: NodeJS.ProcessEnv;
  /** Flags for node itself, before the script (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[];
  /** More `ficus start` options (e.g. --workers 2). */
  readonly startArgs?: readonly string[];
}

/** Tracing off unless a configuration asks for it: NodeSDK otherwise defaults exporters on (PITFALLS.md). */
const TELEMETRY_OFF = { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };

export async function startFicus(launch: FicusLaunch): Promise<RunningFicus> {
  mkdirSync(launch.dir, { recursive: true });
  const { routes, flags } = writeFicusConfig(launch.projectRoot, launch.dir, launch.mode);
  const started = startProcess({
    name: launch.name,
    command: join(launch.projectRoot, 'node_modules/.bin/node'),
    args: [...(launch.nodeArgs ?? []), 'src/main.ts', 'start', '--legacy', launch.legacyUrl, '--port', '0', '--admin-port', '0', '--routes', routes, '--flags', flags, '--db', `sqlite:${join(launch.dir, 'ficus.db')}`, ...(launch.startArgs ?? [])],
    logPath: join(launch.dir, 'ficus.log'),
    cpus: launch.cpus,
    cwd: launch.projectRoot,
    env: { ...process.env, ...TELEMETRY_OFF, FICUS_UPSTREAM_EHR_NEXT_URL: launch.newUrl, ...launch.env },
  });
  const listening = await waitForLogLine(started, (line) => line.event === 'listening');
  const proxyUrl = String(listening.proxyUrl);
  const adminUrl = String(listening.adminUrl);
  await waitForHttp(started, `${adminUrl}/readyz`);
  return { started, proxyUrl, adminUrl };
}

/** Modes Ficus reported (Server-Timing ficus;desc=) for `count` distinct patients: proof the flag took. */
export async function observedModes(proxyUrl: string, count = 40): Promise<Record<string, number>> {
  const modes: Record<string, number> = {};
  for (let i = 1; i <= count; i++) {
    const res = await fetch(`${proxyUrl}/fhir/Patient/pat-${String(i).padStart(4, '0')}?size=1k`);
    await res.arrayBuffer();
    const mode = /ficus;desc="?([\w-]+)/.exec(res.headers.get('server-timing') ?? '')?.[1] ?? `none(status ${res.status})`;
    modes[mode] = (modes[mode] ?? 0) + 1;
  }
  return modes;
}

/** How many requests each upstream served, from Ficus's JSON access log (`servedBy`). */
export function servedByCounts(logPath: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of readFileSync(logPath, 'utf8').split('\n')) {
    const servedBy = /"event":"request".*"servedBy":"([\w-]+)"/.exec(line)?.[1];
    if (servedBy) counts[servedBy] = (counts[servedBy] ?? 0) + 1;
  }
  return counts;
}
