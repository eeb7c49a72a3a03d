// Everything the request path reads per request, rebuilt as one immutable value on every route
// reload and swapped in atomically: the compiled table, the upstream agents, the compare rules.
import { dirname } from 'node:path';
import { compileCompareRules, CompareConfigError, type CompareRules } from '../compare/compile-compare-rules.ts';
import { ConfigError, type ConfigProblem } from '../config/config-error.ts';
import type { RoutesConfig } from '../config/load-routes.ts';
import { compileRouteTable } from '../routing/route-table.ts';
import type { EdgeState } from './handler-deps.ts';
import { createUpstreamPool, type UpstreamPool } from './upstream-pool.ts';

export interface FullEdgeState extends EdgeState {
  readonly rules: ReadonlyMap<string, CompareRules>;
}

export async function buildEdgeState(config: RoutesConfig, routesDir: string, previous?: UpstreamPool): Promise<FullEdgeState> {
  const rules = await compileRules(config, routesDir);
  return { table: compileRouteTable(config.routes), upstreams: createUpstreamPool(config.upstreams, previous), rules };
}

/**
 * Every route's compare rules, or one ConfigError naming each bad `compare:` block. Reads the
 * formulary files and imports the comparator modules the routes name; opens no socket or agent.
 */
export async function compileRules(config: RoutesConfig, routesDir: string): Promise<ReadonlyMap<string, CompareRules>> {
  const rules = new Map<string, CompareRules>();
  const problems: ConfigProblem[] = [];
  for (const route of config.routes) {
    try {
      rules.set(route.id, await compileCompareRules(route.compare, { baseDir: routesDir || dirname(route.source.file) }));
    } catch (error) {
      const key = error instanceof CompareConfigError ? `${route.id}.${error.path.join('.')}` : `${route.id}.compare`;
      problems.push({ file: route.source.file, line: route.source.line, key, message: (error as Error).message });
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return rules;
}
