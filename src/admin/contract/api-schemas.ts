// The zod schemas of the admin API's requests and errors. The same objects validate requests
// (validate-request.ts) and generate /api/openapi.json (openapi-document.ts), so the document cannot
// describe a rule the API does not enforce. Query values arrive as strings: numbers are coerced.
import { z } from 'zod';
import type { Mode } from '../../shared/words.ts';
import type { DifferenceKind } from '../../compare/types.ts';
import { parseAuditHead } from '../../store/verify-audit-chain.ts';

export const MODES = ['legacy', 'shadow', 'canary', 'new'] as const satisfies readonly Mode[];
/** Kinds a person can accept (truncated evidence is never "expected"). */
export const ACCEPTABLE_KINDS = ['changed', 'added', 'removed', 'type', 'precision', 'status', 'header', 'order', 'fact-missing', 'fact-added', 'fact-changed'] as const satisfies readonly DifferenceKind[];

/** One 400 issue: where (query, body or path), which field, what is wrong. */
export const Issue = z.object({
  in: z.enum(['query', 'body', 'path']),
  path: z.string().meta({ description: 'dotted field path ("" for the whole body)', examples: ['window', 'percent'] }),
  message: z.string(),
});

/** Every 4xx and 5xx the admin API answers has this body. */
export const ErrorBody = z.object({
  error: z.string().meta({ description: 'a stable code: bad_request, unauthorized, forbidden, not_found, not_ready, locked_out, payload_too_large, store_unavailable, audit_unavailable, internal, or a rollout refusal (no_plan, already_running, not_waiting, not_running)' }),
  message: z.string().meta({ description: 'one sentence for a person' }),
  issues: z.array(Issue).optional().meta({ description: '400 only: every field that failed validation' }),
  reasons: z.array(z.string()).optional().meta({ description: '409 not_ready only: what readiness is missing' }),
  code: z.string().optional().meta({ description: '503 only: the store failure code' }),
});

// Bounded so a window can never overflow a Date: up to 9,999 minutes, hours or days.
export const windowParam = z.string()
  .regex(/^[1-9]\d{0,3}[mhd]$/, 'window must be a whole number of minutes, hours or days, e.g. 30m, 24h, 7d')
  .optional()
  .meta({ description: 'how far back the evidence reaches (default 24h)', examples: ['1h', '24h', '7d'] });

const limitParam = (max: number, fallback: number) => {
  const message = `limit must be a whole number from 1 to ${max}`;
  return z.coerce.number<string>({ error: message }).int(message).min(1, message).max(max, message).default(fallback);
};

export const RoutesQuery = z.object({ window: windowParam });
export const DifferencesQuery = z.object({ route: z.string().optional().meta({ description: 'only this route (404 if there is no such route)' }), limit: limitParam(1000, 200) });
export const NoiseQuery = z.object({ route: z.string({ error: 'route=<id> of a known route is required' }).min(1, 'route=<id> of a known route is required') });
export const AuditQuery = z.object({ limit: limitParam(1000, 100), route: z.string().optional().meta({ description: 'only entries about this route (empty: every route)' }) });
export const AuditVerifyQuery = z.object({
  expectHead: z.string().transform((text, ctx) => {
    try {
      return parseAuditHead(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  }).optional().meta({ description: 'SEQ:HASH of a head exported earlier: also detects deleted newest entries', examples: ['42:' + '0'.repeat(64)] }),
});
export const MapQuery = z.object({ limit: limitParam(500, 20), window: windowParam });
export const ReadyzQuery = z.object({ verbose: z.string().optional().meta({ description: 'present (any value): include the store health detail' }) });

const reason = (why: string) => z.string({ error: `"reason" is required: ${why}` })
  .trim().min(1, `"reason" is required: ${why}`).max(2000, '"reason" is at most 2,000 characters');

export const ModeChangeBody = z.object({
  mode: z.enum(MODES, { error: `"mode" must be one of ${MODES.join(', ')}` }),
  percent: z.number().int().min(0).max(100).optional().meta({ description: 'canary only, and required there: a whole number from 0 to 100' }),
  reason: reason('say why, it goes into the audit log'),
  force: z.boolean({ error: '"force" must be true or false' }).optional().meta({ description: 'promote although readiness says not ready (recorded as forced)' }),
}).superRefine((body, ctx) => {
  if (body.mode === 'canary' && body.percent === undefined) ctx.addIssue({ code: 'custom', path: ['percent'], message: 'canary needs "percent": a whole number from 0 to 100' });
  if (body.mode !== 'canary' && body.percent !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['percent'], message: `"percent" applies only to canary (mode ${body.mode} serves ${body.mode === 'new' ? 'all' : 'no'} keys from new)` });
  }
});

const signature = (why: string) => z.object({
  route: z.string({ error: '"route" is required' }).min(1, '"route" is required'),
  pointer: z.string().refine((p) => p === '' || p.startsWith('/'), '"pointer" must be a JSON Pointer ("" or starting with "/")').meta({ description: 'the difference\'s pointer template, as GET /api/differences lists it' }),
  kind: z.enum(ACCEPTABLE_KINDS, { error: `"kind" must be one of ${ACCEPTABLE_KINDS.join(', ')}` }),
  reason: reason(why),
});
export const AcceptBody = signature('say why this difference is expected');
export const RevokeBody = signature('say why this difference is no longer expected');
export const KillSwitchBody = z.object({ on: z.boolean({ error: '"on" must be true or false' }), reason: reason('say why, it goes into the audit log') });
export const RolloutStartBody = z.object({ reason: reason('it goes into the audit log'), dryRun: z.boolean().optional().meta({ description: 'plan and log the steps without changing any flag' }) });
export const RolloutCommandBody = z.object({ reason: reason('it goes into the audit log') });
