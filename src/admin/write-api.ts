// The write side of the admin API (operator role): change a route's mode or canary percent, accept
// a difference as expected, flip the kill switch. Each write needs a reason, is refused with a
// clear 4xx before anything changes, and answers only once both the change is in force and its
// audit entry is stored. A change whose audit entry cannot be stored is rolled back (503): no
// change without an audit entry.
import type { Context, Hono } from 'hono';
import type { RouteConfig } from '../config/load-routes.ts';
import type { FlagWriter, WorkersInForce } from '../decision/flag-writer.ts';
import { acceptDifference, revokeAcceptance } from '../store/accepted-differences.ts';
import { listDifferences } from '../store/differences.ts';
import type { Auditor } from './auditor.ts';
import { requireRole, type Authenticator, type Principal } from './auth.ts';
import { AcceptBody, KillSwitchBody, ModeChangeBody, RevokeBody } from './contract/api-schemas.ts';
import { validBody } from './contract/validate-request.ts';
import { summariseRoute, type RouteReportDeps } from './route-report.ts';
import type { SessionVariables } from './sessions.ts';

export interface WriteApiDeps extends RouteReportDeps {
  readonly auth: Authenticator;
  readonly writer: FlagWriter;
  readonly auditor: Auditor;
  routes(): readonly RouteConfig[];
}

/** Promotions that put real patients on the new service for most or all requests. */
const GATED_CANARY_PERCENT = 50;
const READINESS_WINDOW_MS = 24 * 3_600_000;

type Refusal = { status: 400 | 404 | 409; error: string; message: string; reasons?: readonly string[] };

export function mountWriteApi(app: Hono<{ Variables: SessionVariables }>, deps: WriteApiDeps): void {
  const operator = requireRole(deps.auth, 'operator');

  app.put('/api/routes/:id/mode', operator, validBody(ModeChangeBody), async (c) => {
    const route = deps.routes().find((r) => r.id === c.req.param('id'));
    if (!route) return refuse(c, { status: 404, error: 'not_found', message: `no route "${c.req.param('id')}"` });
    const { mode, percent: asked, reason, force = false } = c.req.valid('json');
    const percent = mode === 'canary' ? asked ?? 0 : mode === 'new' ? 100 : 0;
    const summary = await summariseRoute(deps, route, READINESS_WINDOW_MS);
    const before = { mode: summary.mode, percent: summary.percent };
    if (before.mode === mode && before.percent === percent) return c.json({ route: route.id, flag: route.flag, changed: false, before, after: before });
    const gated = mode === 'new' || (mode === 'canary' && percent >= GATED_CANARY_PERCENT);
    if (gated && !summary.readiness.ready && !force) {
      return refuse(c, {
        status: 409, error: 'not_ready',
        // Inconclusive is not ready: too little evidence never promotes a route by default.
        message: `route "${route.id}" is ${summary.readiness.outcome === 'inconclusive' ? 'not ready (inconclusive)' : 'not ready'} for ${mode === 'new' ? 'new' : `canary at ${percent}%`}; pass force: true with a reason to override`,
        reasons: summary.readiness.reasons,
      });
    }
    const result = await deps.writer.setMode(route.flag, mode, percent);
    const action = result.before.mode === result.after.mode ? 'percent-change' : 'mode-change';
    const details = { flag: route.flag, target: result.target, before: result.before, after: result.after, forced: gated && !summary.readiness.ready, readiness: summary.readiness.outcome, readinessReasons: gated ? summary.readiness.reasons : [] };
    const entry = await auditOrRollBack(c, deps, { action, route: route.id, details, reason }, () => deps.writer.setMode(route.flag, result.before.mode, result.before.percent));
    if (entry instanceof Response) return entry;
    return c.json({ route: route.id, flag: route.flag, changed: true, before: result.before, after: result.after, target: result.target, flagsRevision: deps.flags.revision(), ...workersOf(result), audit: entry });
  });

  app.post('/api/differences/accept', operator, validBody(AcceptBody), async (c) => {
    const { route, pointer, kind, reason } = c.req.valid('json');
    if (!deps.routes().some((r) => r.id === route)) return refuse(c, noRoute(route));
    const rows = (await listDifferences(deps.db, { route, limit: 1000 })).filter((d) => d.pointer === pointer && d.kind === kind);
    if (rows.length === 0) return refuse(c, { status: 404, error: 'not_found', message: `no ${kind} difference at ${pointer} on route "${route}"` });
    const actor = principalOf(c).actor;
    const updated = await acceptDifference(deps.db, { route, pointer, kind, reason, actor, at: deps.now() });
    const details = { pointer, kind, rows: updated, before: { accepted: rows.every((r) => r.accepted) }, after: { accepted: true } };
    const wasAccepted = details.before.accepted;
    const entry = await auditOrRollBack(c, deps, { action: 'difference-accepted', route, details, reason }, wasAccepted ? undefined : () => revokeAcceptance(deps.db, route, pointer, kind));
    if (entry instanceof Response) return entry;
    return c.json({ route, pointer, kind, accepted: true, rows: updated, audit: entry });
  });

  // Revoking re-scores the evidence at once: comparisons that counted as matched through this
  // acceptance count as mismatched again.
  app.post('/api/differences/revoke', operator, validBody(RevokeBody), async (c) => {
    const { route, pointer, kind, reason } = c.req.valid('json');
    if (!deps.routes().some((r) => r.id === route)) return refuse(c, noRoute(route));
    const revoked = await revokeAcceptance(deps.db, route, pointer, kind);
    if (!revoked) return refuse(c, { status: 404, error: 'not_found', message: `no accepted ${kind} difference at ${pointer} on route "${route}"` });
    const details = { pointer, kind, before: { accepted: true, reason: revoked.reason, by: revoked.actor }, after: { accepted: false } };
    const entry = await auditOrRollBack(c, deps, { action: 'difference-revoked', route, details, reason }, () =>
      acceptDifference(deps.db, { route, pointer, kind, reason: revoked.reason, actor: revoked.actor, at: revoked.at }));
    if (entry instanceof Response) return entry;
    return c.json({ route, pointer, kind, accepted: false, audit: entry });
  });

  app.post('/api/kill-switch', operator, validBody(KillSwitchBody), async (c) => {
    const { on, reason } = c.req.valid('json');
    const result = await deps.writer.setKillSwitch(on);
    const entry = await auditOrRollBack(c, deps, { action: 'kill-switch', details: { before: { on: result.before }, after: { on: result.after } }, reason }, () => deps.writer.setKillSwitch(result.before));
    if (entry instanceof Response) return entry;
    return c.json({ killSwitch: { before: result.before, after: result.after }, effective: deps.killSwitch(), flagsRevision: deps.flags.revision(), ...workersOf(result), audit: entry });
  });
}

/** Under `--workers`, whether every proxy worker had the change in force when this answer left. */
function workersOf(result: { workers?: WorkersInForce }) {
  return result.workers ? { workers: result.workers } : {};
}

function noRoute(route: string): Refusal {
  return { status: 404, error: 'not_found', message: `no route "${route}"` };
}

async function auditOrRollBack(
  c: Context<{ Variables: SessionVariables }>,
  deps: WriteApiDeps,
  entry: { action: 'mode-change' | 'percent-change' | 'difference-accepted' | 'difference-revoked' | 'kill-switch'; route?: string; details: Record<string, unknown>; reason: string },
  rollBack?: () => Promise<unknown>,
) {
  try {
    return await deps.auditor.append({ ...entry, actor: principalOf(c).actor, source: sourceOf(c) });
  } catch (error) {
    await rollBack?.().catch(() => {});
    // The store's own message can name hosts and ports: the client gets the code only.
    const code = (error as { code?: unknown }).code;
    return c.json({ error: 'audit_unavailable', code: typeof code === 'string' ? code : undefined, message: `the audit entry could not be stored, so the change was ${rollBack ? 'rolled back' : 'not confirmed'}` }, 503);
  }
}

/** 'cli' and 'dashboard' identify Ficus's own clients; anything else is a direct API call. */
export function sourceOf(c: Context<{ Variables: SessionVariables }>): string {
  if (c.get('client') === 'dashboard') return 'dashboard';
  const header = c.req.header('x-ficus-client')?.trim().toLowerCase();
  return header === 'cli' || header === 'dashboard' ? header : 'admin-api';
}

function principalOf(c: Context<{ Variables: SessionVariables }>): Principal {
  return c.get('principal');
}

function refuse(c: Context, r: Refusal) {
  return c.json({ error: r.error, message: r.message, ...(r.reasons ? { reasons: r.reasons } : {}) }, r.status);
}
