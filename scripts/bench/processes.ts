// Starting and stopping the processes a benchmark compares, each optionally pinned to CPUs.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

export interface Started {
  readonly name: string;
  readonly child: ChildProcess;
  /** The process to account CPU and memory to (the real server, not a taskset wrapper: taskset execs). */
  readonly pid: number;
  readonly logPath: string;
}

export interface StartOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logPath: string;
  /** `taskset -c` list, e.g. "0"; undefined runs unpinned. */
  readonly cpus?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export function startProcess(options: StartOptions): Started {
  const log = openSync(options.logPath, 'a');
  const [command, args] = options.cpus === undefined
    ? [options.command, options.args]
    : ['taskset', ['-c', options.cpus, options.command, ...options.args]];
  const child = spawn(command, args, { stdio: ['ignore', log, log], env: options.env ?? process.env, cwd: options.cwd });
  if (child.pid === undefined) throw new Error(`${options.name}: could not spawn ${options.command}`);
  return { name: options.name, child, pid: child.pid, logPath: options.logPath };
}

/** Waits for a JSON log line matching `predicate`; fails early with the log when the process dies. */
export async function waitForLogLine(started: Started, predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const line of readFileSync(started.logPath, 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (predicate(parsed)) return parsed;
      } catch {
        // a line still being written
      }
    }
    if (started.child.exitCode !== null) throw new Error(`${started.name} exited (${started.child.exitCode}) before it was ready:\n${tail(started.logPath)}`);
    await delay(100);
  }
  throw new Error(`${started.name} not ready within ${timeoutMs} ms:\n${tail(started.logPath)}`);
}

/** Polls `url` until it answers 2xx. */
export async function waitForHttp(started: Started, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null) throw new Error(`${started.name} exited (${started.child.exitCode}):\n${tail(started.logPath)}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await delay(100);
  }
  throw new Error(`${started.name}: ${url} not answering within ${timeoutMs} ms:\n${tail(started.logPath)}`);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
export async function stopProcess(started: Started, graceMs = 10_000): Promise<number | null> {
  if (started.child.exitCode !== null || started.child.signalCode !== null) return started.child.exitCode;
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', (code) => resolve(code)));
  started.child.kill('SIGTERM');
  const timer = setTimeout(() => started.child.kill('SIGKILL'), graceMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

export function tail(path: string, lines = 30): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
