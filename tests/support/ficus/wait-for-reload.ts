// Waits for Ficus to take in a change to its folders: the new revision in force, or the failure
// logged. Ficus does not announce reloads yet, so this recomputes the folder's revision with the
// recipe Ficus uses (readFlagFiles, loadRoutes) and polls for it.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Ficus } from '../../../src/ficus.ts';
import { waitFor } from '../wait-for.ts';
import type { LogEntry } from './log-sink.ts';

/** Runs `write`, then resolves once Ficus evaluates the folder's new flag revision or logged that it refused it. */
export async function waitForFlagsReload(ficus: Ficus, logs: readonly LogEntry[], flagsDir: string, write: () => void): Promise<void> {
  const failuresBefore = countEvents(logs, 'flags-reload-failed');
  write();
  const expected = folderHash(flagsDir, /\.json$/, 12);
  await waitFor(() => ficus.flags.revision() === expected || countEvents(logs, 'flags-reload-failed') > failuresBefore, 5_000, 'flags reload');
}

/** Runs `write`, then resolves once Ficus serves the folder's new route table or logged that it refused it. */
export async function waitForRoutesReload(ficus: Ficus, logs: readonly LogEntry[], routesDir: string, write: () => void): Promise<'reloaded' | 'refused'> {
  const failuresBefore = countEvents(logs, 'routes-reload-failed');
  write();
  const expected = folderHash(routesDir, /\.ya?ml$/);
  return waitFor(() => {
    if (ficus.routes().hash === expected) return 'reloaded' as const;
    if (countEvents(logs, 'routes-reload-failed') > failuresBefore) return 'refused' as const;
    return undefined;
  }, 5_000, 'routes reload');
}

const countEvents = (logs: readonly LogEntry[], event: string) => logs.filter((l) => l.event === event).length;

/** The revision Ficus computes for a folder (same recipe as readFlagFiles and loadRoutes). */
function folderHash(dir: string, pattern: RegExp, length?: number): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).filter((n) => pattern.test(n) && !n.startsWith('.')).sort()) {
    hash.update(name).update('\0').update(readFileSync(join(dir, name), 'utf8')).update('\0');
  }
  const hex = hash.digest('hex');
  return length ? hex.slice(0, length) : hex;
}
