// Writes into Ficus's folders and waits on what Ficus announces: routes/ reloads through
// ficus.nextReload() (reloaded, refused or unchanged), flags/ through the flag source's change
// event or the 'flags-reload-failed' log line. Nothing re-hashes a folder or polls.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Ficus } from '../../../src/ficus.ts';
import { within } from '../wait-for.ts';
import type { LogSink } from './log-sink.ts';

export type RoutesReloadOutcome = 'reloaded' | 'refused' | 'unchanged';

/** Writes the files in one tick (one debounced reload sees them all) and resolves with the reload's outcome. */
export async function writeRoutesAndWait(ficus: Ficus, routesDir: string, files: Readonly<Record<string, string>>): Promise<RoutesReloadOutcome> {
  const reloaded = ficus.nextReload();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(routesDir, name), text);
  return (await within(reloaded, 5_000, 'routes reload')).outcome;
}

/**
 * Writes flags/features.json and resolves once Ficus evaluates a new revision or logged that it
 * refused the file. The same bytes as the file on disk make no new revision: nothing to wait for.
 * (Ficus announces no 'unchanged' for flags/: writing back the content in force after a refused
 * file would wait until the timeout.)
 */
export async function writeFlagsAndWait(ficus: Ficus, sink: LogSink, flagsDir: string, text: string): Promise<void> {
  const file = join(flagsDir, 'features.json');
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
  const before = ficus.flags.revision();
  let done = false;
  const taken = new Promise<void>((resolve) => {
    const finish = () => {
      if (done) return;
      done = true;
      offLog();
      resolve();
    };
    const offLog = sink.onEntry((entry) => { if (entry.event === 'flags-reload-failed') finish(); });
    // FlagSource has no unsubscribe: the listener stays, inert once `done`.
    ficus.flags.onChange((change) => { if (change.revision !== before) finish(); });
  });
  writeFileSync(file, text);
  await within(taken, 5_000, 'flags reload');
}
