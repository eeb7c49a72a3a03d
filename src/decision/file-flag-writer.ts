// Embedded-mode FlagWriter: rewrites the flag's own file in flags/ atomically (temp file in the same
// folder, fsync, rename), so the watcher and every reader see either the old file or the new one,
// never half of it. Other flags in the file keep their definitions; the file stays Unleash
// client-features JSON. The change is in force (flags.reload()) before the promise resolves.
// Writes are serialised: two operators flipping two routes in the same file must not lose one.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeatureInterface } from 'unleash-client/lib/feature.js';
import type { Mode } from '../shared/words.ts';
import { writeFileAtomically } from '../config/write-file-atomically.ts';
import type { FileFlagSource } from './file-flag-source.ts';
import { readFlagFiles } from './flag-files.ts';
import { describeFlag, flagForMode, KILL_SWITCH_FLAG } from './flag-shape.ts';
import type { FlagWriter, FlagWriteResult } from './flag-writer.ts';

/** File that receives flags not defined anywhere yet. */
export const DEFAULT_FLAG_FILE = 'features.json';

export class FlagFileError extends Error {
  readonly code = 'FLAG_FILE_INVALID';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FlagFileError';
  }
}

export interface FileFlagWriter extends FlagWriter {
  /**
   * True for a flag revision this writer produced: the reload listener skips its
   * 'flag-change-observed' audit entry, because the control plane audits its own writes in full.
   */
  producedRevision(revision: string): boolean;
}

export function createFileFlagWriter(deps: { readonly dir: string; readonly flags: FileFlagSource }): FileFlagWriter {
  const { dir, flags } = deps;
  const produced = new Set<string>();
  let queue: Promise<unknown> = Promise.resolve();
  const serialise = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => {});
    return run;
  };

  /** Replaces (or appends) one feature in its file, then reloads; returns the feature before. */
  const rewrite = async (flag: string, next: (before: FeatureInterface | undefined) => FeatureInterface) => {
    const file = flags.fileOf(flag) ?? DEFAULT_FLAG_FILE;
    const path = join(dir, file);
    const document = await readDocument(path);
    const features = document.features as FeatureInterface[];
    const index = features.findIndex((f) => f?.name === flag);
    const before = index === -1 ? undefined : features[index];
    const after = next(before);
    const updated = { ...document, features: index === -1 ? [...features, after] : features.map((f, i) => (i === index ? after : f)) };
    await writeFileAtomically(join(dir, file), `${JSON.stringify(updated, null, 2)}\n`);
    // Mark before reloading: the reload's change event fires synchronously inside reload().
    const { revision } = await readFlagFiles(dir);
    produced.add(revision);
    if (produced.size > 100) produced.delete(produced.values().next().value as string);
    await flags.reload();
    return { before, file };
  };

  return {
    producedRevision: (revision) => produced.has(revision),
    setMode: (flag, mode: Mode, percent) =>
      serialise(async (): Promise<FlagWriteResult> => {
        let beforeState = describeFlag(undefined);
        const { file } = await rewrite(flag, (before) => {
          beforeState = describeFlag(before);
          return flagForMode(flag, mode, percent, before);
        });
        return { flag, before: beforeState, after: describeFlag(flags.definition(flag)), target: file };
      }),
    setKillSwitch: (on) =>
      serialise(async () => {
        let was = false;
        await rewrite(KILL_SWITCH_FLAG, (before) => {
          was = before?.enabled === true;
          const base = before ?? ({ name: KILL_SWITCH_FLAG, description: 'When enabled, every route is served by legacy at once.', type: 'kill-switch', project: 'default', strategies: [{ name: 'default', parameters: {}, constraints: [] }] } as unknown as FeatureInterface);
          return { ...base, enabled: on };
        });
        return { before: was, after: flags.definition(KILL_SWITCH_FLAG)?.enabled === true };
      }),
  };
}

async function readDocument(path: string): Promise<Record<string, unknown> & { features: unknown[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 2, features: [] };
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new FlagFileError(`${path} is not valid JSON; fix it before changing flags through Ficus`, { cause: error });
  }
  if (typeof data !== 'object' || data === null || !Array.isArray((data as { features?: unknown }).features)) {
    throw new FlagFileError(`${path} is not Unleash client-features JSON ({"version": 2, "features": [...]})`);
  }
  return data as Record<string, unknown> & { features: unknown[] };
}

