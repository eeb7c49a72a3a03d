// ficus check: validates routes/ and flags/ offline, exactly as a start or hot reload would
// (compileConfig, the compare rules, readFlagFiles), printing every problem as file:line: key:
// message. It reads files and opens nothing else: no upstream agent, no socket.
import { compileConfig } from '../config/compile-config.ts';
import { readRouteFiles } from '../config/load-routes.ts';
import { ConfigError, formatProblem, type ConfigProblem } from '../config/config-error.ts';
import { compileRules } from '../dispatch/edge-state.ts';
import { readFlagFiles } from '../decision/flag-files.ts';

export async function checkCommand(dirs: { routesDir: string; flagsDir: string }, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  const problems: ConfigProblem[] = [];
  const collect = (error: unknown, file: string) => {
    if (error instanceof ConfigError) problems.push(...error.problems);
    else problems.push({ file, message: (error as Error).message });
  };
  let routeCount = 0;
  try {
    const compiled = compileConfig(await readRouteFiles(dirs.routesDir));
    if (!compiled.ok) throw new ConfigError(compiled.problems);
    routeCount = compiled.config.routes.routes.length;
    await compileRules(compiled.config.routes, dirs.routesDir);
  } catch (error) {
    collect(error, dirs.routesDir);
  }
  let flagCount = 0;
  try {
    flagCount = (await readFlagFiles(dirs.flagsDir)).features.length;
  } catch (error) {
    collect(error, dirs.flagsDir);
  }
  if (problems.length) {
    err(`ficus check: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `${formatProblem(p)}\n`).join('')}`);
    return 1;
  }
  out(`ok: ${routeCount} routes, ${flagCount} flags\n`);
  return 0;
}
