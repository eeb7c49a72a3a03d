// The reloader: loads routes/ at start, then watches it; each change is compiled and, when valid and
// different, swapped into the proxy plane and audited. A bad edit is refused, the last good routes
// stay in force, and /readyz reports the error until the files are valid again.
import { ConfigError } from '../config/config-error.ts';
import { describeError } from '../config/describe-error.ts';
import { loadRoutes } from '../config/load-routes.ts';
import type { Settings } from '../config/settings.ts';
import { watchDir } from '../config/watch-dir.ts';
import { buildEdgeState } from '../dispatch/edge-state.ts';
import type { EmitEvent } from './events.ts';
import type { LiveConfig } from './proxy-plane.ts';

type ReloadSettings = Pick<Settings, 'routesDir' | 'upstreamUrls'>;

/** The routes at start: throws one ConfigError listing every problem (nothing is opened yet). */
export async function loadInitialConfig(settings: ReloadSettings, emit: EmitEvent): Promise<LiveConfig> {
  const routes = await loadRoutes(settings.routesDir, { urlOverrides: settings.upstreamUrls });
  const state = await buildEdgeState(routes, settings.routesDir);
  for (const warning of routes.warnings) emit({ type: 'routes-warning', warning });
  return { routes, state };
}

export interface ReloaderDeps {
  readonly settings: ReloadSettings;
  readonly emit: EmitEvent;
  /** The config in force and where a new one goes. */
  current(): LiveConfig;
  apply(next: LiveConfig): void;
}

/** What one pass over routes/ after a change came to. */
export type ReloadResult =
  | { readonly outcome: 'reloaded'; readonly hash: string; readonly routes: number }
  /** The files hash to the routes in force (a bad edit undone, a touch): nothing rebuilt. */
  | { readonly outcome: 'unchanged'; readonly hash: string }
  /** Invalid files: the last good routes stay in force. */
  | { readonly outcome: 'refused'; readonly error: string };

export interface Reloader {
  /** The last refused reload's error, until the files are valid again (for /readyz). */
  configError(): string | undefined;
  /** Told the result of every reload, in order; returns the unsubscribe. */
  onReload(listener: (result: ReloadResult) => void): () => void;
  /** The next reload's result (subscribe before writing the files, then await). */
  nextReload(): Promise<ReloadResult>;
  close(): void;
}

export function startReloader(deps: ReloaderDeps): Reloader {
  const { settings, emit } = deps;
  let lastConfigError: string | undefined;
  const listeners = new Set<(result: ReloadResult) => void>();
  const onReload = (listener: (result: ReloadResult) => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };
  const reload = async () => {
    const result = await reloadOnce();
    for (const listener of [...listeners]) listener(result);
  };
  const reloadOnce = async (): Promise<ReloadResult> => {
    try {
      const next = await loadRoutes(settings.routesDir, { urlOverrides: settings.upstreamUrls });
      // Back to the content in force (a bad edit undone): nothing to rebuild, but the error is over.
      lastConfigError = undefined;
      const current = deps.current();
      if (next.hash === current.routes.hash) return { outcome: 'unchanged', hash: next.hash };
      deps.apply({ routes: next, state: await buildEdgeState(next, settings.routesDir, current.state.upstreams) });
      for (const warning of next.warnings) emit({ type: 'routes-warning', warning });
      emit({ type: 'routes-reloaded', hash: next.hash, files: next.files, routes: next.routes.length });
      return { outcome: 'reloaded', hash: next.hash, routes: next.routes.length };
    } catch (error) {
      lastConfigError = error instanceof ConfigError ? error.message : describeError(error);
      emit({ type: 'routes-reload-failed', error: lastConfigError });
      return { outcome: 'refused', error: lastConfigError };
    }
  };
  const watcher = watchDir(settings.routesDir, () => void reload());
  return {
    configError: () => lastConfigError,
    onReload,
    nextReload: () => new Promise((resolve) => {
      const off = onReload((result) => {
        off();
        resolve(result);
      });
    }),
    close: () => watcher?.close(),
  };
}
