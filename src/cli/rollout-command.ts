// ficus rollout start|status|approve|pause|resume|abort <route>: the autopilot from a terminal.
import type { RolloutView } from '../rollout/create-rollout-controller.ts';
import type { CommandContext } from './control-commands.ts';
import { paint, renderTable } from './render-table.ts';

interface Gate { name: string; outcome: string; measured: string; threshold: string }
interface Decision { action: string; reason: string; at: number; gates: Gate[] }

export async function rolloutCommand(ctx: CommandContext, sub: string, route: string, opts: { reason?: string; dryRun?: boolean }): Promise<number> {
  const id = encodeURIComponent(route);
  if (sub === 'status') {
    const data = await ctx.client.get<{ route: string; plan: string[] | null; rollout: RolloutView | null }>(`/api/rollouts/${id}`);
    if (ctx.json) {
      ctx.out(`${JSON.stringify(data, null, 2)}\n`);
      return 0;
    }
    printStatus(ctx, data.route, data.plan, data.rollout);
    return 0;
  }
  const body: Record<string, unknown> = { reason: opts.reason };
  if (sub === 'start' && opts.dryRun) body['dryRun'] = true;
  const result = await ctx.client.send<{ rollout: RolloutView }>('POST', `/api/rollouts/${id}/${sub}`, body);
  if (ctx.json) {
    ctx.out(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  }
  ctx.out(`${route}: rollout ${result.rollout.status}${result.rollout.dryRun ? ' (dry run: no flag is flipped)' : ''}, step ${result.rollout.step}\n`);
  return 0;
}

function printStatus(ctx: CommandContext, route: string, plan: string[] | null, rollout: RolloutView | null): void {
  const s = ctx.style;
  if (!rollout) {
    ctx.out(`${paint(s, 'bold', route)}: no rollout started\n`);
  } else {
    const colour = rollout.status === 'stopped' || rollout.status === 'aborted' ? 'red' : rollout.status === 'awaiting-approval' ? 'yellow' : 'green';
    ctx.out(`${paint(s, 'bold', route)}: ${paint(s, colour, rollout.status)}${rollout.dryRun ? ' (dry run)' : ''}, step ${rollout.step} of ${rollout.steps.join(' → ')}; ${rollout.rollbacks} rollback(s); started by ${rollout.startedBy}\n`);
    const decision = rollout.lastDecision as Decision | null;
    if (decision) {
      ctx.out(`last decision: ${decision.action}: ${decision.reason}\n`);
      if (decision.gates.length > 0) {
        // The full readiness reasons are in the decision line above; the table stays one screen wide.
        const short = (text: string) => (text.length > 64 ? `${text.slice(0, 63)}…` : text);
        const rows = decision.gates.map((g) => [g.name, paint(s, g.outcome === 'pass' ? 'green' : g.outcome === 'fail' ? 'red' : 'yellow', g.outcome), short(g.measured), g.threshold]);
        ctx.out(renderTable(['GATE', 'OUTCOME', 'MEASURED', 'NEEDS'], rows, s, new Set()));
      }
    }
  }
  if (plan) ctx.out(`plan:\n${plan.map((line) => `  ${line}\n`).join('')}`);
}
