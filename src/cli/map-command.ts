// ficus map [--window 24h] [--limit N]: the share of traffic per mode and the busiest unmigrated
// endpoints over a window, every replica's traffic (the admin API validates the window: 400 on 'x').
import type { CommandContext } from './control-commands.ts';
import { renderTable } from './render-table.ts';

interface MapData {
  window: string;
  since: string;
  total: number;
  byServedAs: Record<string, number>;
  unmigrated: { method: string; template: string; requests: number; errors: number; p99Ms: number | null; share: number; suggestedRoute: string }[];
  templates: number;
  other: { requests: number; errors: number };
}

export async function mapCommand(ctx: CommandContext, opts: { limit?: string; window?: string }): Promise<number> {
  const query = new URLSearchParams({ limit: opts.limit ?? '20' });
  if (opts.window !== undefined) query.set('window', opts.window);
  const data = await ctx.client.get<MapData>(`/api/map?${query}`);
  if (ctx.json) {
    ctx.out(`${JSON.stringify(data, null, 2)}\n`);
    return 0;
  }
  const pct = (n: number) => (data.total === 0 ? '0%' : `${((n / data.total) * 100).toFixed(1)}%`);
  const b = data.byServedAs;
  ctx.out(`last ${data.window} (since ${data.since.replace('T', ' ').slice(0, 16)} UTC): ${data.total} requests: new ${pct(b['new'] ?? 0)} · canary ${pct(b['canary'] ?? 0)} · shadow ${pct(b['shadow'] ?? 0)} · routed, legacy ${pct(b['legacy-route'] ?? 0)} · unmigrated ${pct(b['unmatched'] ?? 0)}\n`);
  const rows = data.unmigrated.map((e) => [e.method, e.template, String(e.requests), `${(e.share * 100).toFixed(1)}%`, String(e.errors), e.p99Ms === null ? '-' : `${e.p99Ms.toFixed(1)} ms`]);
  if (data.other.requests > 0) rows.push(['*', 'other (beyond the template cap)', String(data.other.requests), pct(data.other.requests), String(data.other.errors), '-']);
  ctx.out(renderTable(['METHOD', 'TEMPLATE', 'REQUESTS', 'SHARE', 'ERRORS', 'P99'], rows, ctx.style, new Set([2, 3, 4, 5])));
  if (data.templates > data.unmigrated.length) ctx.out(`(${data.unmigrated.length} of ${data.templates} unmigrated endpoints; --limit N lists more)\n`);
  return 0;
}
