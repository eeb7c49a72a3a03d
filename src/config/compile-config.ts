// The config compiled by a pure function: route files' text in, the validated routes and their
// compiled match table out, or every problem with file, line and key. No sockets, agents, timers or
// files: reading the folder is readRouteFiles' job, and turning the result into live state (upstream
// agents, compare rules with their formulary files and comparator modules) is the proxy plane's —
// so `ficus check` can validate exactly what a start would, and open nothing.
import { ConfigError, type ConfigProblem } from './config-error.ts';
import { parseRoutes, type LoadRoutesOptions, type RouteFiles, type RoutesConfig } from './load-routes.ts';
import { compileRouteTable, type RouteTable } from '../routing/route-table.ts';

export interface CompiledConfig {
  readonly routes: RoutesConfig;
  readonly table: RouteTable;
}

export type CompileResult =
  | { readonly ok: true; readonly config: CompiledConfig }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

export function compileConfig(files: RouteFiles, options: LoadRoutesOptions = {}): CompileResult {
  let routes: RoutesConfig;
  try {
    routes = parseRoutes(files, options);
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, problems: error.problems };
    throw error;
  }
  return { ok: true, config: { routes, table: compileRouteTable(routes.routes) } };
}
