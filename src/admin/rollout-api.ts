// The autopilot on the admin API: read a route's rollout (viewer), start, approve, pause, resume or
// abort it (operator, with a reason that goes into the audit log). The controller does the work;
// this file only maps HTTP to its commands and its refusals to 404/409.
import type { Context, Hono } from 'hono';
import type { RolloutCommandError, RolloutController, RolloutView } from '../rollout/create-rollout-controller.ts';
import { describePlan } from '../rollout/decide-rollout.ts';
import type { RolloutPlan } from '../rollout/rollout-plan.ts';
import { requireRole, type Authenticator } from './auth.ts';
import { RolloutCommandBody, RolloutStartBody } from './contract/api-schemas.ts';
import { validBody } from './contract/validate-request.ts';
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

  app.post('/api/rollouts/:route/start', operator, validBody(RolloutStartBody), async (c) => {
    const { reason, dryRun = false } = c.req.valid('json');
    return answer(c, await deps.rollouts.start(c.req.param('route'), actorOf(c), reason, { dryRun }));
  });

  for (const command of ['approve', 'pause', 'resume', 'abort'] as const satisfies readonly Command[]) {
    app.post(`/api/rollouts/:route/${command}`, operator, validBody(RolloutCommandBody), async (c) => {
      const { reason } = c.req.valid('json');
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
