// Assembles the autopilot for startFicus: the controller on the store, evidence from the rollups,
// flips through the same flag writer as the admin API (file or Unleash), every decision in the
// audit log, and a tick timer that never overlaps itself. Off when FICUS_AUTOPILOT_TICK_MS is 0.
import type { Kysely } from 'kysely';
import type { Mode } from '../compare/evidence.ts';
import type { RouteConfig } from '../config/load-routes.ts';
import type { FlagWriter } from '../decision/flag-writer.ts';
import type { AuditInput } from '../store/audit-log.ts';
import type { StoreSchema } from '../store/schema.ts';
import { createRolloutController, type RolloutController } from './create-rollout-controller.ts';
import type { RolloutAction } from './decide-rollout.ts';
import { readStepEvidence } from './read-step-evidence.ts';

export interface AutopilotDeps {
  readonly db: Kysely<StoreSchema>;
  readonly holder: string;
  readonly tickMs: number;
  readonly now: () => Date;
  routes(): readonly RouteConfig[];
  readonly writer: FlagWriter;
  breakerState(route: string): string;
  audit(input: Omit<AuditInput, 'at'>): Promise<unknown>;
  onDecision(route: string, action: RolloutAction): void;
  onError(error: unknown): void;
}

export interface Autopilot {
  readonly controller: RolloutController;
  stop(): Promise<void>;
}

export function startAutopilot(deps: AutopilotDeps): Autopilot {
  const routeById = (id: string) => deps.routes().find((r) => r.id === id);
  const controller = createRolloutController({
    db: deps.db,
    holder: deps.holder,
    now: () => deps.now().getTime(),
    // Three missed ticks (or 15 s) before another replica may take over.
    leaseTtlMs: Math.max(15_000, deps.tickMs * 3),
    planOf: (route) => routeById(route)?.rollout,
    stepEvidence: (route, since) => readStepEvidence({ db: deps.db, now: () => deps.now().getTime(), route: routeById, breakerState: deps.breakerState, readinessWindowMs: 24 * 3_600_000 }, route, since),
    setMode: async (route, mode: Mode, percent, reason) => {
      const config = routeById(route);
      if (!config) throw new Error(`route ${route} is no longer configured`);
      const result = await deps.writer.setMode(config.flag, mode, percent);
      await deps.audit({ actor: 'autopilot', action: result.before.mode === result.after.mode ? 'percent-change' : 'mode-change', route, reason, source: 'autopilot', details: { flag: config.flag, target: result.target, before: result.before, after: result.after } });
    },
    audit: (entry) => deps.audit({ actor: entry.actor, action: entry.action, route: entry.route, reason: entry.reason, details: entry.details, source: entry.actor === 'autopilot' ? 'autopilot' : 'admin-api' }).then(() => undefined),
    onDecision: (route, action) => deps.onDecision(route, action),
  });
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const timer = deps.tickMs > 0 ? setInterval(() => {
    if (busy) return;
    busy = true;
    running = controller.tick().catch(deps.onError).finally(() => { busy = false; });
  }, deps.tickMs) : undefined;
  timer?.unref();
  return {
    controller,
    async stop() {
      if (timer) clearInterval(timer);
      await running;
      await controller.release().catch(() => {});
    },
  };
}
