// Runs wrk (Debian package) for a fixed time and returns its numbers, parsed from the JSON line
// wrk-patients.lua prints.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const LUA_SCRIPT = fileURLToPath(new URL('./wrk-patients.lua', import.meta.url));

export interface WrkSettings {
  readonly threads: number;
  readonly connections: number;
  readonly seconds: number;
  /** `taskset -c` list for wrk itself; undefined runs unpinned. */
  readonly cpus: string | undefined;
}

export interface WrkResult {
  readonly requests: number;
  readonly durationUs: number;
  readonly bytes: number;
  /** Socket errors (connect, read, write, timeout). */
  readonly errors: number;
  readonly non2xx: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
}

/** What each request looks like: the default is GET /fhir/Patient/<one of 500 ids>, no traceparent. */
export interface WrkRequestShape {
  /** A fixed path (e.g. one no route matches) instead of the patient-read route. */
  readonly path?: string;
  /** Send a sampled W3C traceparent, as a traced client does. */
  readonly traceparent?: boolean;
}

export async function runWrk(baseUrl: string, size: string, settings: WrkSettings, shape: WrkRequestShape = {}): Promise<WrkResult> {
  const wrkArgs = ['-t', String(settings.threads), '-c', String(settings.connections), '-d', `${settings.seconds}s`, '--timeout', '5s', '-s', LUA_SCRIPT, baseUrl, '--', size, shape.path ?? '-', shape.traceparent ? '1' : '0'];
  const [command, args] = settings.cpus === undefined ? ['wrk', wrkArgs] : ['taskset', ['-c', settings.cpus, 'wrk', ...wrkArgs]];
  const { stdout } = await run(command, args, { timeout: (settings.seconds + 30) * 1000 });
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  if (!line) throw new Error(`wrk printed no BENCH_JSON line:\n${stdout}`);
  return JSON.parse(line.slice('BENCH_JSON '.length)) as WrkResult;
}

export function requestsPerSecond(result: WrkResult): number {
  return result.requests / (result.durationUs / 1e6);
}
