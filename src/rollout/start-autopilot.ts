// Assembles the autopilot for startFicus: the controller on the store, evidence from the rollups,
// flips through the same flag writer as the admin API (file or Unleash), every decision in the
// audit log, and a tick timer that never overlaps itself. Off when FICUS_AUTOPILOT_TICK_MS is 0.
import type { Kysely } from 'kysely';
import type { Mode } from '../shared/words.ts';
import type { RouteConfig } from '../config/load-routes.ts';
import type { FlagWriter } from '../decision/flag-writer.ts';
import type { AuditInput } from '../store/audit-log.ts';
import type { StoreSchema } from '../store/schema.ts';
import { trace } from '@opentelemetry/api';
import type { MetricSnapshot } from '../telemetry/proxy-metrics.ts';
import { createRolloutController, type RolloutController, type RolloutView } from './create-rollout-controller.ts';
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
  /** Each rollout's step and state, and decisions by action, as of the last tick (for /metrics). */
  metrics(): MetricSnapshot[];
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
      // No flag change without its audit entry (as the admin API): if the entry cannot be stored,
      // the flag goes back and the decision fails.
      try {
        await deps.audit({ actor: 'autopilot', action: result.before.mode === result.after.mode ? 'percent-change' : 'mode-change', route, reason, source: 'autopilot', details: { flag: config.flag, target: result.target, before: result.before, after: result.after } });
      } catch (error) {
        await deps.writer.setMode(config.flag, result.before.mode, result.before.percent);
        throw error;
      }
    },
    audit: async (entry) => {
      await deps.audit({ actor: entry.actor, action: entry.action, route: entry.route, reason: entry.reason, details: entry.details, source: entry.actor === 'autopilot' ? 'autopilot' : 'admin-api' });
      if (entry.action === 'rollout-decision') traceDecision(entry.route, entry.details);
    },
    onDecision: (route, action) => {
      const key = `${route}\u0000${action.action}`;
      decisions.set(key, (decisions.get(key) ?? 0) + 1);
      deps.onDecision(route, action);
    },
  });
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  let views: readonly RolloutView[] = [];
  const decisions = new Map<string, number>();
  const timer = deps.tickMs > 0 ? setInterval(() => {
    if (busy) return;
    busy = true;
    running = controller.tick()
      .then(async () => { views = await controller.list(); })
      .catch(deps.onError)
      .finally(() => { busy = false; });
  }, deps.tickMs) : undefined;
  timer?.unref();
  return {
    controller,
    metrics: () => rolloutMetrics(views, decisions),
    async stop() {
      if (timer) clearInterval(timer);
      await running;
      await controller.release().catch(() => {});
    },
  };
}

const STATUSES = ['running', 'awaiting-approval', 'paused', 'stopped', 'completed', 'aborted'] as const;

function rolloutMetrics(views: readonly RolloutView[], decisions: ReadonlyMap<string, number>): MetricSnapshot[] {
  return [
    { kind: 'gauge', name: 'ficus_rollout_step', help: 'Index of the rollout step in force per route (-1: legacy, before the first step).', series: views.map((v) => ({ attributes: { route: v.route }, value: v.stepIndex })) },
    { kind: 'gauge', name: 'ficus_rollout_status', help: 'Rollout status per route (1 for the current status).', series: views.flatMap((v) => STATUSES.map((s) => ({ attributes: { route: v.route, status: s }, value: v.status === s ? 1 : 0 }))) },
    { kind: 'gauge', name: 'ficus_rollout_rollbacks', help: 'Automatic rollbacks so far in the route\'s rollout.', series: views.map((v) => ({ attributes: { route: v.route }, value: v.rollbacks })) },
    { kind: 'counter', name: 'ficus_rollout_decisions_total', help: 'Autopilot decisions taken by this replica, by route and action.', series: [...decisions].map(([key, value]) => { const [route = '', action = ''] = key.split('\u0000'); return { attributes: { route, action }, value }; }) },
  ];
}

/**
 * One trace event per audited decision (a span of its own: decisions belong to no request). A no-op
 * when no exporter is configured. Route-level facts only: the route id, the action, the steps and
 * which gates failed or lacked evidence — never request data.
 */
function traceDecision(route: string, details: Readonly<Record<string, unknown>>): void {
  const gates = (details['gates'] as readonly { name: string; outcome: string }[] | undefined) ?? [];
  const span = trace.getTracer('ficus-autopilot').startSpan('ficus.rollout.decision', {
    attributes: {
      'ficus.route': route,
      'ficus.rollout.action': String(details['action'] ?? ''),
      'ficus.rollout.from': String(details['from'] ?? ''),
      'ficus.rollout.to': String(details['to'] ?? ''),
      'ficus.rollout.dry_run': details['dryRun'] === true,
      'ficus.rollout.gates_failed': gates.filter((g) => g.outcome === 'fail').map((g) => g.name).join(','),
      'ficus.rollout.gates_inconclusive': gates.filter((g) => g.outcome === 'inconclusive').map((g) => g.name).join(','),
    },
  });
  span.end();
}
