// The autopilot on the admin API: read a route's rollout (viewer), start, approve, pause, resume or
// abort it (operator, with a reason that goes into the audit log). The controller does the work;
// this file only maps HTTP to its commands and its refusals to 404/409.
import type { Context, Hono } from 'hono';
import type { RolloutCommandError, RolloutController, RolloutView } from '../rollout/create-rollout-controller.ts';
import { describePlan } from '../rollout/decide-rollout.ts';
import type { RolloutPlan } from '../rollout/rollout-plan.ts';
import { requireRole, type Authenticator } from './auth.ts';
import type { SessionVariables } from './sessions.ts';

export interface RolloutApiDeps {
  readonly auth: Authenticator;
  readonly rollouts: RolloutController;
  planOf(route: string): RolloutPlan | undefined;
}

type Command = 'approve' | 'pause' | 'resume' | 'abort';

export function mountRolloutApi(app: Hono<{ Variables: SessionVariables }>, deps: RolloutApiDeps): void {
  const viewer = requireRole(deps.auth, 'viewer');
  const operator = requireRole(deps.auth, 'operator');

  app.get('/api/rollouts', viewer, async (c) => c.json({ rollouts: await deps.rollouts.list() }));

  app.get('/api/rollouts/:route', viewer, async (c) => {
    const route = c.req.param('route');
    const plan = deps.planOf(route);
    const rollout = (await deps.rollouts.list()).find((r) => r.route === route) ?? null;
    if (!plan && !rollout) return c.json({ error: 'not_found', message: `route "${route}" has no rollout plan and no rollout` }, 404);
    return c.json({ route, plan: plan ? describePlan(plan) : null, rollout });
  });

  app.post('/api/rollouts/:route/start', operator, async (c) => {
    const body = await bodyOf(c);
    const reason = reasonOf(body);
    if (!reason) return missingReason(c);
    return answer(c, await deps.rollouts.start(c.req.param('route'), actorOf(c), reason, { dryRun: body?.['dryRun'] === true }));
  });

  for (const command of ['approve', 'pause', 'resume', 'abort'] as const satisfies readonly Command[]) {
    app.post(`/api/rollouts/:route/${command}`, operator, async (c) => {
      const reason = reasonOf(await bodyOf(c));
      if (!reason) return missingReason(c);
      const route = c.req.param('route');
      const by = actorOf(c);
      const result = command === 'approve' ? await deps.rollouts.approve(route, by, reason)
        : command === 'abort' ? await deps.rollouts.abort(route, by, reason)
          : await deps.rollouts.setPaused(route, command === 'pause', by, reason);
      return answer(c, result);
    });
  }
}

function answer(c: Context, result: RolloutView | RolloutCommandError): Response {
  if ('error' in result) return c.json(result, result.error === 'not_found' || result.error === 'no_plan' ? 404 : 409);
  return c.json({ rollout: result });
}

function actorOf(c: Context<{ Variables: SessionVariables }>): string {
  return c.get('principal').actor;
}

async function bodyOf(c: Context): Promise<Record<string, unknown> | undefined> {
  const parsed: unknown = await c.req.json().catch(() => undefined);
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

function reasonOf(body: Record<string, unknown> | undefined): string | undefined {
  const reason = body?.['reason'];
  return typeof reason === 'string' && reason.trim() ? reason.trim() : undefined;
}

function missingReason(c: Context): Response {
  return c.json({ error: 'reason_required', message: 'a reason is required: it goes into the audit log' }, 400);
}
