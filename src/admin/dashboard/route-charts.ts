// The route page's two charts from the store's bucketed series: match rate (with the readiness
// threshold drawn) and p99 latency of legacy and new, over the span from the first bucket to now.
import type { RouteSeriesPoint } from '../../store/route-series.ts';
import { latencyScale, matchRateScale } from './chart-scale.ts';
import { formatValue, lineChart, type SeriesPoint } from './chart.ts';
import { html } from 'hono/html';

export interface RouteChartsOptions {
  readonly bucketMinutes: number;
  readonly nowMs: number;
  /** The route's readiness threshold as a match rate in percent (1 − maxMismatchRate). */
  readonly thresholdPercent: number;
}

export function routeCharts(points: readonly RouteSeriesPoint[], o: RouteChartsOptions) {
  const bucketMs = o.bucketMinutes * 60_000;
  const t = (p: RouteSeriesPoint) => Date.parse(p.minute);
  const startMs = points.length > 0 ? t(points[0]!) : o.nowMs - bucketMs;
  const endMs = Math.max(o.nowMs, points.length > 0 ? t(points[points.length - 1]!) + bucketMs : o.nowMs);
  const match: SeriesPoint[] = points.filter((p) => p.compared > 0).map((p) => ({ t: t(p), v: (100 * p.matched) / p.compared }));
  const side = (s: 'legacy' | 'new'): SeriesPoint[] => points.flatMap((p) => (p.p99[s] === null ? [] : [{ t: t(p), v: p.p99[s] }]));
  const legacy = side('legacy');
  const fresh = side('new');
  const matchScale = matchRateScale(match.map((p) => p.v), o.thresholdPercent);
  const latency = latencyScale([...legacy, ...fresh].map((p) => p.v));
  const common = { startMs, endMs, bucketMs };
  return html`<div class="charts">
  ${lineChart({ ...common, title: 'Match rate (exact)', unit: '%', ...matchScale, series: [{ label: 'match rate', className: 's-match', points: match }],
    threshold: { value: o.thresholdPercent, label: `readiness threshold ${formatValue(o.thresholdPercent, '%')}` } })}
  ${lineChart({ ...common, title: 'Latency p99', unit: 'ms', ...latency, series: [
    // Legacy (dashed) first, so where the lines coincide its dashes show on top of new's solid line.
    { label: 'legacy p99', className: 's-legacy', points: legacy },
    { label: 'new p99', className: 's-new', points: fresh },
  ] })}
</div>
<p class="muted small">Buckets of ${o.bucketMinutes} min (UTC), from the first observation in the last 24 h to now; gaps are buckets with nothing observed.</p>`;
}
