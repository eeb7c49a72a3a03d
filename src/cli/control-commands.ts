// ficus routes | set | report | accept | audit: the control plane from a terminal, over the admin API.
import type { RouteSummary } from '../admin/route-report.ts';
import type { NoiseSuggestion } from '../compare/suggest-noise-rules.ts';
import type { AuditEntry } from '../store/audit-log.ts';
import type { AuditVerification } from '../store/verify-audit-chain.ts';
import type { DifferenceRow } from '../store/differences.ts';
import { AdminError, type AdminClient } from './admin-client.ts';
import { formatMs, modeColour, paint, renderTable, type Style } from './render-table.ts';

export interface CommandContext {
  readonly client: AdminClient;
  readonly style: Style;
  readonly json: boolean;
  out(text: string): void;
}

type Json = Record<string, unknown>;

export async function routesCommand(ctx: CommandContext): Promise<number> {
  const data = await ctx.client.get<{ killSwitch: boolean; routes: RouteSummary[] }>('/api/routes');
  if (ctx.json) return printJson(ctx, data);
  if (data.killSwitch) ctx.out(paint(ctx.style, 'red', 'KILL SWITCH ON: every route is served by legacy\n'));
  const rows = data.routes.map((r) => [
    r.id,
    paint(ctx.style, modeColour(r.mode), r.mode),
    String(r.percent),
    String(r.stats.compared),
    r.stats.matchSummary,
    `${formatMs(r.stats.latency.legacy.p99)} / ${formatMs(r.stats.latency.new.p99)}`,
    describeReadiness(ctx.style, r.readiness, true),
  ]);
  ctx.out(renderTable(['ROUTE', 'MODE', '%', 'COMPARED', 'MATCH', 'P99 LEGACY / NEW', 'READINESS'], rows, ctx.style, new Set([2, 3])));
  return 0;
}

export async function setCommand(ctx: CommandContext, route: string, mode: string, opts: { percent?: string; reason?: string; force?: boolean }): Promise<number> {
  const body: Json = { mode, reason: opts.reason };
  if (opts.percent !== undefined) body.percent = Number(opts.percent);
  if (opts.force) body.force = true;
  const result = await ctx.client.send<{ changed: boolean; before: { mode: string; percent: number }; after: { mode: string; percent: number }; audit?: AuditEntry }>('PUT', `/api/routes/${encodeURIComponent(route)}/mode`, body);
  if (ctx.json) return printJson(ctx, result);
  const state = (s: { mode: string; percent: number }) => (s.mode === 'canary' ? `canary ${s.percent}%` : s.mode);
  const forced = (result.audit?.details as { forced?: boolean } | null | undefined)?.forced === true ? ` ${paint(ctx.style, 'red', 'FORCED: not ready, promoted by override')}` : '';
  ctx.out(result.changed
    ? `${route}: ${state(result.before)} → ${paint(ctx.style, modeColour(result.after.mode), state(result.after))}${forced} (audit #${result.audit?.seq})\n`
    : `${route}: already ${state(result.after)}; nothing changed\n`);
  return 0;
}

export async function reportCommand(ctx: CommandContext, route: string): Promise<number> {
  const id = encodeURIComponent(route);
  const [summary, diffs, noise] = await Promise.all([
    ctx.client.get<RouteSummary>(`/api/routes/${id}`),
    ctx.client.get<{ differences: DifferenceRow[] }>(`/api/differences?route=${id}&limit=50`),
    ctx.client.get<{ suggestions: NoiseSuggestion[] }>(`/api/noise?route=${id}`),
  ]);
  if (ctx.json) return printJson(ctx, { route: summary, differences: diffs.differences, noise: noise.suggestions });
  const s = ctx.style;
  ctx.out(`${paint(s, 'bold', summary.id)}  ${summary.methods.join(' ')} ${summary.template}  mode ${paint(s, modeColour(summary.mode), summary.mode)}${summary.mode === 'canary' ? ` ${summary.percent}%` : ''}\n`);
  const version = summary.stats.version ? `, version ${summary.stats.version}` : '';
  ctx.out(`compared ${summary.stats.compared}${version}: ${summary.stats.matchSummary}, p99 legacy ${formatMs(summary.stats.latency.legacy.p99)} vs new ${formatMs(summary.stats.latency.new.p99)}\n\n`);
  ctx.out(`${paint(s, 'bold', 'Readiness')}: ${describeReadiness(s, summary.readiness, false)}\n`);
  for (const reason of summary.readiness.reasons) ctx.out(`  - ${reason}\n`);
  ctx.out(`\n${paint(s, 'bold', 'Differences')}\n`);
  ctx.out(diffs.differences.length === 0 ? '  none recorded\n' : renderTable(['POINTER', 'KIND', 'TYPES', 'COUNT', 'STATUS'], diffs.differences.map((d) => [
    d.pointer || '(body)', d.kind, `${d.controlType}→${d.candidateType}`, String(d.count), d.accepted ? paint(s, 'green', `accepted by ${d.acceptedBy}: ${d.acceptedReason}`) : paint(s, 'yellow', 'open'),
  ]), s, new Set([3])));
  ctx.out(`\n${paint(s, 'bold', 'Noise suggestions')} (paste RULE into the route's compare.<SECTION>)\n`);
  ctx.out(noise.suggestions.length === 0 ? '  none\n' : renderTable(['POINTER', 'KINDS', 'SEEN', 'WOULD HIDE', 'SECTION', 'RULE'], noise.suggestions.map((n) => [
    n.pointer, n.kinds.join(',') || 'order', String(n.count), n.wouldHide === null ? '-' : String(n.wouldHide), n.section, JSON.stringify(n.rule),
  ]), s, new Set([2, 3])));
  return 0;
}

export async function acceptCommand(ctx: CommandContext, route: string, pointer: string, kind: string, reason: string | undefined, revoke = false): Promise<number> {
  if (revoke) {
    const revoked = await ctx.client.send<{ audit: AuditEntry }>('POST', '/api/differences/revoke', { route, pointer, kind, reason });
    if (ctx.json) return printJson(ctx, revoked);
    ctx.out(`${route}: ${kind} at ${pointer} no longer accepted; comparisons carrying it count as mismatched again (audit #${revoked.audit.seq})\n`);
    return 0;
  }
  const result = await ctx.client.send<{ rows: number; audit: AuditEntry }>('POST', '/api/differences/accept', { route, pointer, kind, reason });
  if (ctx.json) return printJson(ctx, result);
  ctx.out(`${route}: ${kind} at ${pointer} accepted as expected (${result.rows} row${result.rows === 1 ? '' : 's'}, audit #${result.audit.seq}); comparisons with only accepted differences now count as matched\n`);
  return 0;
}

/** ready (green), not ready (yellow) or inconclusive (blue); `first` adds the first reason, for one-line tables. */
function describeReadiness(style: Style, readiness: RouteSummary['readiness'], first: boolean): string {
  // Older servers answer without `outcome`: derive it rather than show "undefined".
  const outcome = readiness.outcome ?? (readiness.ready ? 'ready' : 'not-ready');
  if (outcome === 'ready') return paint(style, 'green', 'ready');
  const label = outcome === 'inconclusive' ? paint(style, 'blue', 'inconclusive') : paint(style, 'yellow', 'not ready');
  return first && readiness.reasons[0] ? `${label}: ${readiness.reasons[0]}` : label;
}

export async function auditCommand(ctx: CommandContext, sub: string | undefined, opts: { route?: string; limit?: string; expectHead?: string }): Promise<number> {
  if (sub === 'verify') {
    const query = opts.expectHead === undefined ? '' : `?${new URLSearchParams({ expectHead: opts.expectHead })}`;
    const result = await ctx.client.get<AuditVerification>(`/api/audit/verify${query}`);
    if (ctx.json) printJson(ctx, result);
    else ctx.out(result.ok ? paint(ctx.style, 'green', `audit chain intact (${result.entries} entries)${result.head ? `; head ${result.head.seq}:${result.head.hash}` : ''}\n`) : paint(ctx.style, 'red', `audit chain BROKEN at entry ${result.brokenAt}: ${result.reason}\n`));
    return result.ok ? 0 : 1;
  }
  if (opts.expectHead !== undefined) throw new AdminError('usage', '--expect-head applies to "ficus audit verify"');
  if (sub !== undefined) throw new AdminError('usage', `unknown audit subcommand "${sub}" (use: ficus audit [verify])`);
  const query = new URLSearchParams({ limit: opts.limit ?? '50', ...(opts.route ? { route: opts.route } : {}) });
  const { entries } = await ctx.client.get<{ entries: AuditEntry[] }>(`/api/audit?${query}`);
  if (ctx.json) return printJson(ctx, { entries });
  ctx.out(renderTable(['#', 'WHEN (UTC)', 'ACTOR', 'ACTION', 'ROUTE', 'CHANGE', 'REASON', 'VIA'], entries.map((e) => [
    String(e.seq), String(e.at).replace('T', ' ').slice(0, 19), e.actor, e.action, e.route ?? '-', describeChange(e.details), e.reason ?? '', e.source,
  ]), ctx.style, new Set([0])));
  return 0;
}

function describeChange(details: AuditEntry['details']): string {
  if (!details) return '';
  const d = details as { before?: unknown; after?: unknown; pointer?: string; kind?: string };
  const state = (v: unknown) => (v && typeof v === 'object' && 'mode' in v ? ((v as { mode: string; percent: number }).mode === 'canary' ? `canary ${(v as unknown as { percent: number }).percent}%` : (v as { mode: string }).mode) : JSON.stringify(v));
  if (d.pointer !== undefined) return `${d.kind} ${d.pointer}${(d.after as { accepted?: boolean } | undefined)?.accepted === false ? ' (revoked)' : ''}`;
  // A promotion made although readiness said no is the one change an auditor must not miss.
  if (d.before !== undefined) return `${state(d.before)} -> ${state(d.after)}${(details as { forced?: boolean }).forced === true ? ' FORCED' : ''}`;
  return '';
}

function printJson(ctx: CommandContext, value: unknown): number {
  ctx.out(`${JSON.stringify(value, null, 2)}\n`);
  return 0;
}
