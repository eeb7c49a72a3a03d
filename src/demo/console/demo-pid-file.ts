// A running demo leaves its pid in its data folder, so `npm run demo:reset` can refuse to delete
// the store and flags out from under it.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const demoPidFile = (dataDir: string): string => join(dataDir, 'demo.pid');

export function writeDemoPidFile(dataDir: string, pid = process.pid): void {
  writeFileSync(demoPidFile(dataDir), `${pid}\n`);
}

export function removeDemoPidFile(dataDir: string): void {
  rmSync(demoPidFile(dataDir), { force: true });
}

/** The pid of a demo still running on this data folder, or undefined (none, or a stale file). */
export function runningDemoPid(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(demoPidFile(dataDir), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}
