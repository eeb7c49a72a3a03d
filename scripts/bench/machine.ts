// What the numbers were measured on, and which CPUs each party gets.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Machine } from './bench-run.ts';

const run = promisify(execFile);

async function firstLine(command: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, args);
    return (stdout || stderr).split('\n')[0]?.trim() ?? 'unknown';
  } catch (error) {
    // `nginx -v` prints to stderr; some tools exit non-zero for --version.
    const e = error as { stdout?: string; stderr?: string };
    return (e.stdout || e.stderr || 'unknown').split('\n')[0]?.trim() ?? 'unknown';
  }
}

export async function describeMachine(projectRoot: string): Promise<Machine> {
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    nproc: os.availableParallelism(),
    cpuModel,
    node: (await firstLine(join(projectRoot, 'node_modules/.bin/node'), ['--version'])).replace(/^v/, ''),
    nginx: (await firstLine('/usr/sbin/nginx', ['-v'])).replace(/^nginx version: /, ''),
    wrk: (await firstLine('wrk', ['--version'])).split(' [')[0] ?? 'wrk',
    kernel: os.release(),
  };
}

export interface CpuPlan {
  /** The proxy under test: a core of its own, so its CPU time is not shared with the load. */
  readonly proxy: string | undefined;
  /** wrk and the origin nginx. */
  readonly load: string | undefined;
}

/** One core for the proxy, the rest for wrk and the origin; no pinning on a single core. */
export function cpuPlan(nproc: number): CpuPlan {
  if (nproc < 2) return { proxy: undefined, load: undefined };
  return { proxy: '0', load: nproc === 2 ? '1' : `1-${nproc - 1}` };
}
