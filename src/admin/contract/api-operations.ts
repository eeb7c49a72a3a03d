// Every admin endpoint as data: method, path (hono's `:param` form), who may call it, and the zod
// schemas that validate its query and body. openapi-document.ts renders this table; the handlers
// use the same schema objects; a test walks the app's registered routes against it.
import type { z } from 'zod';
import {
  AcceptBody, AuditQuery, AuditVerifyQuery, DifferencesQuery, KillSwitchBody, MapQuery, ModeChangeBody, NoiseQuery,
  ReadyzQuery, RevokeBody, RolloutCommandBody, RolloutStartBody, RoutesQuery,
} from './api-schemas.ts';

export interface ApiOperation {
  readonly method: 'get' | 'put' | 'post';
  readonly path: string;
  readonly summary: string;
  /** 'open': no token (probes, scrapers, this contract). */
  readonly access: 'open' | 'viewer' | 'operator';
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** What a 200 carries, in a sentence. */
  readonly returns: string;
  /** Refusals beyond the ones every operation of its access level has (400, 401, 403, 429, 503). */
  readonly refusals?: Readonly<Partial<Record<404 | 409, string>>>;
  /** Other statuses whose body has the 200's shape (a not-ready /readyz). */
  readonly alsoAnswers?: Readonly<Record<number, string>>;
  /** Not JSON (Prometheus text). */
  readonly contentType?: string;
}

const NO_ROUTE = { 404: 'no such route' } as const;
const ROLLOUT_REFUSALS = { 404: 'no such rollout or no rollout plan', 409: 'the rollout is not in a state that allows this' } as const;

const rolloutCommand = (command: 'approve' | 'pause' | 'resume' | 'abort', summary: string): ApiOperation => ({
  method: 'post', path: `/api/rollouts/:route/${command}`, summary, access: 'operator', body: RolloutCommandBody, returns: '{ rollout }', refusals: ROLLOUT_REFUSALS,
});

export const API_OPERATIONS: readonly ApiOperation[] = [
  { method: 'get', path: '/api/openapi.json', summary: 'This document', access: 'open', returns: 'the OpenAPI 3.1 document of the admin API' },
  { method: 'get', path: '/api/routes', summary: 'Every route with mode, percent, evidence and readiness', access: 'viewer', query: RoutesQuery, returns: '{ killSwitch, flagsRevision, window, routes: [route summary] }' },
  { method: 'get', path: '/api/routes/:id', summary: 'One route with mode, percent, evidence and readiness', access: 'viewer', query: RoutesQuery, returns: 'a route summary', refusals: NO_ROUTE },
  { method: 'put', path: '/api/routes/:id/mode', summary: 'Change a route\'s mode or canary percent (audited)', access: 'operator', body: ModeChangeBody, returns: '{ route, flag, changed, before, after, target?, flagsRevision?, workers?: { inForce, workers, acknowledged, notAcknowledged } (under --workers), audit? }', refusals: { ...NO_ROUTE, 409: 'not_ready: a promotion to new or canary ≥ 50% without readiness (send force: true to override)' } },
  { method: 'get', path: '/api/differences', summary: 'Recorded differences (PHI-safe: pointer templates and HMACs)', access: 'viewer', query: DifferencesQuery, returns: '{ differences: [{ route, pointer, kind, count, ... }] }', refusals: NO_ROUTE },
  { method: 'post', path: '/api/differences/accept', summary: 'Accept a difference as expected (audited)', access: 'operator', body: AcceptBody, returns: '{ route, pointer, kind, accepted: true, rows, audit }', refusals: { 404: 'no such route or no such difference' } },
  { method: 'post', path: '/api/differences/revoke', summary: 'Revoke an acceptance; the evidence is re-scored at once (audited)', access: 'operator', body: RevokeBody, returns: '{ route, pointer, kind, accepted: false, audit }', refusals: { 404: 'no such route or no accepted difference' } },
  { method: 'get', path: '/api/noise', summary: 'Noise observations of a route and the ignore rules they suggest', access: 'viewer', query: NoiseQuery, returns: '{ route, suggestions, observations }' },
  { method: 'post', path: '/api/kill-switch', summary: 'Send every route to legacy, or release (audited)', access: 'operator', body: KillSwitchBody, returns: '{ killSwitch: { before, after }, effective, flagsRevision, workers?: { inForce, workers, acknowledged, notAcknowledged } (under --workers), audit }' },
  { method: 'get', path: '/api/audit', summary: 'The newest audit entries', access: 'viewer', query: AuditQuery, returns: '{ entries }' },
  { method: 'get', path: '/api/audit/verify', summary: 'Walk the audit hash chain', access: 'viewer', query: AuditVerifyQuery, returns: 'the verification: ok, or the first altered, missing or reordered entry' },
  { method: 'get', path: '/api/rollouts', summary: 'Every rollout the autopilot knows', access: 'viewer', returns: '{ rollouts }' },
  { method: 'get', path: '/api/rollouts/:route', summary: 'A route\'s rollout plan and rollout', access: 'viewer', returns: '{ route, plan, rollout }', refusals: { 404: 'no rollout plan and no rollout' } },
  { method: 'post', path: '/api/rollouts/:route/start', summary: 'Start the autopilot on a route (audited)', access: 'operator', body: RolloutStartBody, returns: '{ rollout }', refusals: ROLLOUT_REFUSALS },
  rolloutCommand('approve', 'Approve the step a rollout waits on (audited)'),
  rolloutCommand('pause', 'Pause a rollout (audited)'),
  rolloutCommand('resume', 'Resume a paused rollout (audited)'),
  rolloutCommand('abort', 'Abort a rollout and return the route to legacy (audited)'),
  { method: 'get', path: '/api/map', summary: 'The migration map: traffic by mode and the busiest endpoints still on legacy', access: 'viewer', query: MapQuery, returns: '{ window, since, total, byServedAs, unmigrated: [endpoint with a suggested route], templates, other } over the window (default 24h), every replica\'s traffic' },
  { method: 'get', path: '/healthz', summary: 'Liveness', access: 'open', returns: '{ status: "ok" }' },
  { method: 'get', path: '/readyz', summary: 'Readiness (503 when not ready or draining)', access: 'open', query: ReadyzQuery, returns: '{ status, draining, flags, store, storeStatus, configError, flagsAgeSeconds, workers? }', alsoAnswers: { 503: 'not ready: draining, flags not loaded, or (--workers) no proxy worker listening (same body)' } },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics', access: 'open', returns: 'Prometheus text exposition', contentType: 'text/plain; version=0.0.4' },
];
