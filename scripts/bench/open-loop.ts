// Runs k6-open-loop.ts (k6 from .tools/bin, built by `npm run k6:build`) and reads its summary.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(projectRoot, 'scripts/bench/k6-open-loop.ts');

export const k6Binary = (): string => process.env.K6_BIN ?? join(projectRoot, '.tools/bin/k6');

export interface LatencyStats {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
}

export interface OpenLoopResult {
  readonly small?: LatencyStats;
  /** k6 `waiting` minus Ficus's Server-Timing upstream;dur: the time Ficus adds, per request. */
  readonly smallAdded?: LatencyStats;
  readonly large?: LatencyStats;
  readonly failures: number;
  /** Requests k6 could not start on time (no VU free): the rate was not held. */
  readonly droppedIterations: number;
}

export interface OpenLoopLoad {
  readonly baseUrl: string;
  readonly smallRate: number;
  readonly smallPath: string;
  readonly largeRate?: number;
  readonly largePath?: string;
  readonly seconds: number;
  /** `taskset -c` list for k6; undefined runs unpinned. */
  readonly cpus: string | undefined;
  readonly summaryFile: string;
}

export async function runOpenLoop(load: OpenLoopLoad): Promise<OpenLoopResult> {
  if (!existsSync(k6Binary())) throw new Error(`k6 is not built (${k6Binary()}): npm run k6:build`);
  const env = { BASE_URL: load.baseUrl, SMALL_RATE: String(load.smallRate), SMALL_PATH: load.smallPath, LARGE_RATE: String(load.largeRate ?? 0), LARGE_PATH: load.largePath ?? '', DURATION: `${load.seconds}s`, SUMMARY_FILE: load.summaryFile };
  const k6Args = ['run', '--quiet', '--no-usage-report', ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), SCRIPT];
  const [command, args] = load.cpus === undefined ? [k6Binary(), k6Args] : ['taskset', ['-c', load.cpus, k6Binary(), ...k6Args]];
  await run(command, args, { timeout: (load.seconds + 60) * 1000, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(readFileSync(load.summaryFile, 'utf8')) as OpenLoopResult;
}
