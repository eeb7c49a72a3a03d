// Ficus as a real child process (`node src/main.ts start ...`), for what only a process shows:
// signals, exit codes, stdout, memory. Everything else starts Ficus in-process (test-ficus.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from '../repo-root.ts';
import { waitFor } from '../wait-for.ts';
import type { LogEntry } from './log-sink.ts';

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
