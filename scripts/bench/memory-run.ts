// The memory check's setup: a blob upstream, then Ficus twice — legacy pass-through (upload and
// download on an unmatched path) and shadow (download on a route whose responses Ficus compares,
// the one place it may want to hold a copy of the body) — and the raw Node pipe as a control:
// what a process that buffers nothing grows by under the same stream (V8 new space, socket buffers).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startBaseline } from './baselines.ts';
import { startFicus } from './ficus.ts';
import type { FicusMode } from './ficus.ts';
import { checkTransfer } from './memory.ts';
import { stopProcess } from './processes.ts';
import type { MemoryCheckRow } from './bench-run.ts';

export async function runMemoryCheck(projectRoot: string, dir: string, megabytes: number, log: (line: string) => void): Promise<MemoryCheckRow[]> {
  mkdirSync(dir, { recursive: true });
  log(`  memory check: ${megabytes} MB through Ficus`);
  const blob = await startBaseline('blob-upstream', { originUrl: '', workDir: dir, proxyCpus: undefined });
  const rows: MemoryCheckRow[] = [];
  try {
    rows.push(...(await withFicus(projectRoot, join(dir, 'legacy'), blob.url, { mode: 'legacy' }, async (url, pid) => [
      await checkTransfer('upload, legacy pass-through (POST /bench/upload)', pid, `${url}/bench/upload`, 'upload', megabytes),
      await checkTransfer('download, legacy pass-through (GET /bench/download)', pid, `${url}/bench/download`, 'download', megabytes),
    ])));
    rows.push(...(await withFicus(projectRoot, join(dir, 'shadow'), blob.url, { mode: 'shadow' }, async (url, pid) => [
      await checkTransfer('download, shadowed route (GET /fhir/Patient/:id)', pid, `${url}/fhir/Patient/pat-0001`, 'download', megabytes),
    ])));
    const control = await startBaseline('raw-pipe', { originUrl: blob.url, workDir: dir, proxyCpus: undefined });
    try {
      rows.push(await checkTransfer('control: upload, raw Node pipe', control.process.pid, `${control.url}/bench/upload`, 'upload', megabytes));
      rows.push(await checkTransfer('control: download, raw Node pipe', control.process.pid, `${control.url}/bench/download`, 'download', megabytes));
    } finally {
      await stopProcess(control.process);
    }
  } catch (error) {
    rows.push({ transfer: 'memory check', megabytes, seconds: 0, baselineRssMb: 0, peakRssMb: 0, growthMb: 0, ok: false, error: (error as Error).message.split('\n')[0] ?? 'error' });
  } finally {
    await stopProcess(blob.process);
  }
  for (const row of rows) log(`    ${row.transfer}: ${row.error ?? `RSS +${row.growthMb.toFixed(1)} MB (peak ${row.peakRssMb.toFixed(0)} MB), ${(row.megabytes / row.seconds).toFixed(0)} MB/s`}`);
  return rows;
}

async function withFicus<T>(projectRoot: string, dir: string, upstreamUrl: string, mode: FicusMode, use: (url: string, pid: number) => Promise<T>): Promise<T> {
  const ficus = await startFicus({ projectRoot, dir, name: `ficus-memory-${mode.mode}`, legacyUrl: upstreamUrl, newUrl: upstreamUrl, mode, cpus: undefined, env: {} });
  try {
    return await use(ficus.proxyUrl, ficus.started.pid);
  } finally {
    await stopProcess(ficus.started);
  }
}
