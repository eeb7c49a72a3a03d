// The "every core" target: Ficus as one process against `ficus start --workers 2`, by requests/s on
// this 2-core machine with wrk and the origin sharing the cores (nothing pinned but the origin).
// When the CLI refuses --workers (a build without it), the row says so instead of a number; when it
// accepts the option but no second process appears, likewise.
import { join } from 'node:path';
import { startFicus } from './ficus.ts';
import type { RunningFicus } from './ficus.ts';
import { measureInterleaved } from './measure.ts';
import type { MeasureSettings } from './measure.ts';
import { processTree } from './proc.ts';
import { stopProcess } from './processes.ts';
import type { WorkersResult } from './bench-run.ts';

export interface WorkersPlan {
  readonly projectRoot: string;
  readonly workDir: string;
  readonly originUrl: string;
  readonly settings: MeasureSettings;
}

export async function runWorkers(plan: WorkersPlan, log: (line: string) => void): Promise<WorkersResult> {
  const connections = Math.max(100, plan.settings.wrk.connections);
  const launch = (name: string, startArgs: string[]) => startFicus({ projectRoot: plan.projectRoot, dir: join(plan.workDir, name), name, legacyUrl: plan.originUrl, newUrl: plan.originUrl, mode: { mode: 'legacy' }, cpus: undefined, env: {}, startArgs });
  let two: RunningFicus | undefined;
  try {
    two = await launch('ficus-workers-2', ['--workers', '2']);
  } catch (error) {
    // The log's tail names the refusal (e.g. "Unknown option '--workers'"); the first line only says it exited.
    const lines = (error as Error).message.split('\n');
    const reason = lines.slice(1).find((line) => /--workers|unknown option/i.test(line))?.trim() ?? lines[0];
    log(`    --workers 2 not available in this build: ${reason}`);
    return { available: false, reason: `the CLI refused --workers 2: ${reason?.slice(0, 160)}`, connections };
  }
  const one = await launch('ficus-workers-1', []);
  try {
    const nodes = processTree(two.started.pid).length;
    if (nodes < 3) return { available: false, reason: `--workers 2 accepted but ${nodes} process(es) seen, not a primary and two workers`, connections };
    const settings: MeasureSettings = { ...plan.settings, sizes: ['1k'], wrk: { ...plan.settings.wrk, connections, cpus: undefined } };
    const rows = [
      { id: 'one', url: one.proxyUrl, pid: one.started.pid, sizes: ['1k'] },
      { id: 'two', url: two.proxyUrl, pid: two.started.pid, sizes: ['1k'] },
    ];
    const measured = await measureInterleaved(rows, settings, 'rps', log);
    return { available: true, one: measured.get('one')?.['1k'], two: measured.get('two')?.['1k'], connections };
  } finally {
    await Promise.all([stopProcess(one.started), stopProcess(two.started)]);
  }
}
