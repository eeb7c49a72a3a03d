// Embedded flags: flags/*.json read at start and re-read on every change of the folder. A broken
// edit is reported and the last good flags stay in force; the first load must succeed.
import { watch, type FSWatcher } from 'node:fs';
import { readFlagFiles, type FlagSet } from './flag-files.ts';
import { changedFlags, createSdkEvaluator, FeatureRepository, type FlagChange, type FlagSource } from './flag-source.ts';

export interface FileFlagSourceOptions {
  readonly dir: string;
  readonly watch?: boolean;
  readonly debounceMs?: number;
  readonly now?: () => Date;
  /** Called when a reload fails; the previous flags stay in force. */
  readonly onReloadError?: (error: unknown) => void;
}

export interface FileFlagSource extends FlagSource {
  /** Re-reads the folder now (also used by the control plane right after it writes a flag file). */
  reload(): Promise<FlagSet>;
  fileOf(flag: string): string | undefined;
}

export async function createFileFlagSource(options: FileFlagSourceOptions): Promise<FileFlagSource> {
  const now = options.now ?? (() => new Date());
  const repository = new FeatureRepository();
  const { unleash, variantFor } = createSdkEvaluator(repository);
  const listeners: ((change: FlagChange) => void)[] = [];
  let current = await readFlagFiles(options.dir);
  let refreshedAt = now();
  repository.replace(current.features);

  const reload = async (): Promise<FlagSet> => {
    const next = await readFlagFiles(options.dir);
    if (next.revision === current.revision) return current;
    const changed = changedFlags(current.features, next.features);
    current = next;
    refreshedAt = now();
    repository.replace(next.features);
    for (const listener of listeners) listener({ revision: next.revision, changed, origin: 'file' });
    return next;
  };

  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (options.watch !== false) {
    watcher = watch(options.dir, { persistent: false }, () => {
      clearTimeout(timer);
      timer = setTimeout(() => reload().catch((error) => options.onReloadError?.(error)), options.debounceMs ?? 50);
    });
    watcher.on('error', (error) => options.onReloadError?.(error));
  }

  return {
    isReady: () => repository.isReady(),
    revision: () => current.revision,
    variantFor,
    definition: (flag) => repository.getToggle(flag),
    features: () => current.features,
    lastRefreshedAt: () => refreshedAt,
    onChange: (listener) => void listeners.push(listener),
    fileOf: (flag) => current.fileOf.get(flag),
    reload,
    close: async () => {
      clearTimeout(timer);
      watcher?.close();
      unleash.destroy();
    },
  };
}
