// `ficus <command>` for everything but `start`: parses the command line, builds the admin client
// from --admin/--token or FICUS_ADMIN_URL/FICUS_ADMIN_TOKEN, and turns every failure into one clear
// line on stderr with a non-zero exit code (1 refused or failed, 2 usage).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AdminError, createAdminClient, type CliIo } from './admin-client.ts';
import { checkCommand } from './check-command.ts';
import { acceptCommand, auditCommand, reportCommand, routesCommand, setCommand, type CommandContext } from './control-commands.ts';
import { tokensCommand } from './tokens-command.ts';
import { mapCommand } from './map-command.ts';
import { rolloutCommand } from './rollout-command.ts';

const OPTIONS = {
  admin: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  percent: { type: 'string' },
  reason: { type: 'string' },
  force: { type: 'boolean' },
  revoke: { type: 'boolean' },
  routes: { type: 'string' },
  flags: { type: 'string' },
  route: { type: 'string' },
  limit: { type: 'string' },
  window: { type: 'string' },
  'expect-head': { type: 'string' },
  'no-color': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
} as const;

const USAGE = `usage:
  ficus routes [--json]
  ficus set <route> <legacy|shadow|canary|new> [--percent N] --reason "..." [--force]
  ficus report <route> [--json]
  ficus accept <route> <pointer> <kind> --reason "..." [--revoke]
  ficus check [--routes DIR] [--flags DIR]
  ficus rollout start <route> --reason "..." [--dry-run] | status <route> [--json] | approve|pause|resume|abort <route> --reason "..."
  ficus map [--window 1h|24h|7d] [--limit N] [--json]
  ficus audit [verify [--expect-head SEQ:HASH]] [--route ID] [--limit N] [--json]
  ficus tokens hash [TOKEN] | ficus tokens new <name> <viewer|operator>
  ficus flags push|pull
options: --admin URL (FICUS_ADMIN_URL, default http://127.0.0.1:8081)  --token T (FICUS_ADMIN_TOKEN)
`;

export async function runCli(command: string, args: readonly string[], env: NodeJS.ProcessEnv, io: CliIo & { stdin?: NodeJS.ReadableStream }): Promise<number> {
  const out = (text: string) => void io.stdout.write(text);
  const err = (text: string) => void io.stderr.write(text);
  if (command === 'flags') return runFlags(args, env, io);
  if (command === 'tokens') return tokensCommand(args, { out, err, stdin: io.stdin ?? process.stdin });

  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    err(`ficus ${command}: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values: v, positionals: p } = parsed;
  if (command === 'check') {
    return checkCommand({ routesDir: resolve(v.routes ?? env.FICUS_ROUTES_DIR ?? 'routes'), flagsDir: resolve(v.flags ?? env.FICUS_FLAGS_DIR ?? 'flags') }, out, err);
  }

  const ctx: CommandContext = {
    client: createAdminClient({ url: v.admin ?? env.FICUS_ADMIN_URL ?? 'http://127.0.0.1:8081', token: v.token ?? env.FICUS_ADMIN_TOKEN }),
    style: { colour: io.stdout.isTTY === true && !v['no-color'] && !env.NO_COLOR },
    json: v.json === true,
    out,
  };
  const usage = (message: string) => {
    err(`ficus ${command}: ${message}\n${USAGE}`);
    return 2;
  };
  try {
    switch (command) {
      case 'routes':
        return await routesCommand(ctx);
      case 'set':
        if (p.length !== 2) return usage('expected <route> <mode>');
        if (!v.reason?.trim()) return usage('--reason "..." is required (it goes into the audit log)');
        return await setCommand(ctx, p[0]!, p[1]!, { percent: v.percent, reason: v.reason, force: v.force });
      case 'report':
        if (p.length !== 1) return usage('expected <route>');
        return await reportCommand(ctx, p[0]!);
      case 'accept':
        if (p.length !== 3) return usage('expected <route> <pointer> <kind>');
        if (!v.reason?.trim()) return usage('--reason "..." is required');
        return await acceptCommand(ctx, p[0]!, p[1]!, p[2]!, v.reason, v.revoke === true);
      case 'rollout': {
        const [sub, route] = p;
        if (!sub || !route || !['start', 'status', 'approve', 'pause', 'resume', 'abort'].includes(sub)) return usage('expected rollout <start|status|approve|pause|resume|abort> <route>');
        if (sub !== 'status' && !v.reason?.trim()) return usage('--reason "..." is required (it goes into the audit log)');
        return await rolloutCommand(ctx, sub, route, { reason: v.reason, dryRun: v['dry-run'] });
      }
      case 'map':
        return await mapCommand(ctx, { limit: v.limit, window: v.window });
      case 'audit':
        return await auditCommand(ctx, p[0], { route: v.route, limit: v.limit, expectHead: v['expect-head'] });
      default:
        err(`ficus: unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (!(error instanceof AdminError)) throw error;
    if (ctx.json && error.status !== undefined) ctx.out(`${JSON.stringify({ error: error.code, message: error.message, reasons: error.reasons }, null, 2)}\n`);
    err(`ficus ${command}: ${error.message}\n${error.reasons.map((r) => `  - ${r}\n`).join('')}`);
    if (error.code === 'not_ready') err('  (pass --force with a --reason to promote anyway; the override is audited)\n');
    return error.code === 'usage' ? 2 : 1;
  }
}

/** `ficus flags push|pull` lives in flags-command.ts (Unleash server mode), loaded only when used. */
async function runFlags(args: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const path = './flags-command.ts';
  let module: { runFlagsCommand?: (args: readonly string[], env: NodeJS.ProcessEnv, io: CliIo) => Promise<number> };
  try {
    module = (await import(path)) as typeof module;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    io.stderr.write('ficus flags: not available in this build (src/cli/flags-command.ts is missing)\n');
    return 1;
  }
  if (typeof module.runFlagsCommand !== 'function') {
    io.stderr.write('ficus flags: flags-command.ts does not export runFlagsCommand\n');
    return 1;
  }
  return module.runFlagsCommand(args, env, io);
}
