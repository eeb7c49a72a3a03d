// Watches a folder and calls back once per burst of changes (editors and atomic renames produce
// several events per save). Returns undefined when the folder cannot be watched: the caller keeps
// running on what it loaded, it just will not hot-reload.
import { watch, type FSWatcher } from 'node:fs';

export function watchDir(dir: string, onChange: () => void, debounceMs = 50): FSWatcher | undefined {
  let timer: NodeJS.Timeout | undefined;
  try {
    return watch(dir, { persistent: false }, () => {
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    });
  } catch {
    return undefined;
  }
}
