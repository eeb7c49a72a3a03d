// What a rollout step has seen, read from the same rollups the dashboard shows: traffic, failures
// and latency since the step began (so a rollback judges fresh evidence, not yesterday's), and the
// route's readiness over the readiness window for the current new-service version.
import type { Kysely } from 'kysely';
import { assessReadiness } from '../compare/assess-readiness.ts';
import type { RouteEvidence } from '../compare/evidence.ts';
import type { RouteConfig } from '../config/load-routes.ts';
import { readRouteEvidence } from '../store/route-evidence.ts';
import type { StoreSchema } from '../store/schema.ts';
import type { StepEvidence } from './evaluate-gates.ts';

export interface StepEvidenceDeps {
  readonly db: Kysely<StoreSchema>;
  readonly now: () => number;
  route(id: string): RouteConfig | undefined;
  breakerState(route: string): string;
  /** How far back readiness looks (the promotion guard's window). */
  readonly readinessWindowMs: number;
}

export async function readStepEvidence(deps: StepEvidenceDeps, routeId: string, sinceMs: number): Promise<StepEvidence> {
  const route = deps.route(routeId);
  const unversioned = route?.readiness.versionHeader === undefined ? { version: '' } : {};
  const [step, judged] = await Promise.all([
    readRouteEvidence(deps.db, routeId, { since: new Date(sinceMs), ...unversioned }),
    readRouteEvidence(deps.db, routeId, { since: new Date(deps.now() - deps.readinessWindowMs), ...unversioned }),
  ]);
  const readiness = assessReadiness(judged, route?.readiness);
  const rates = errorRates(step);
  return {
    bakedMs: Math.max(0, deps.now() - sinceMs),
    requests: rates.newAttempts,
    comparisons: step.compared,
    readiness: readiness.outcome,
    readinessReasons: readiness.reasons,
    newErrorRate: rates.newRate,
    legacyErrorRate: rates.legacyRate,
    newP99Ms: step.latency.new.p99,
    legacyP99Ms: step.latency.legacy.p99,
    breakerOpen: deps.breakerState(routeId) === 'open',
  };
}

/**
 * New's attempts include the requests it failed that legacy then served (fallbacks, except those
 * an open breaker sent to legacy without trying new): hiding a failure behind a fallback must not
 * make new look healthy.
 */
function errorRates(e: RouteEvidence): { newAttempts: number; newRate: number | null; legacyRate: number | null } {
  const failedOver = Object.entries(e.fallbacks).reduce((sum, [reason, n]) => (reason === 'breaker-open' ? sum : sum + (n ?? 0)), 0);
  const newAttempts = e.served.new + failedOver;
  const newFailed = (e.servedFailed?.new ?? 0) + failedOver;
  const legacyServed = e.served.legacy - failedOver;
  const legacyFailed = e.servedFailed?.legacy ?? 0;
  return {
    newAttempts,
    newRate: newAttempts > 0 ? newFailed / newAttempts : null,
    legacyRate: legacyServed > 0 ? Math.min(1, legacyFailed / legacyServed) : null,
  };
}
