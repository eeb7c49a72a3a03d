// Server-rendered SVG line charts (no script, no CDN): match rate over time and p99 latency of
// both sides over time. Buckets with no data are gaps, not zeros: "nothing observed" must not
// read as "0% match" or "0 ms".
import { html } from 'hono/html';
import type { RouteSeriesPoint } from '../../store/route-series.ts';

export interface Series {
  readonly label: string;
  /** CSS class of the line (colours live in dashboard.css; inline styles are blocked by the CSP). */
  readonly className: string;
  readonly values: readonly (number | null)[];
}

const W = 560;
const H = 180;
const PAD = { left: 48, right: 12, top: 12, bottom: 26 };

export function lineChart(options: { title: string; times: readonly string[]; series: readonly Series[]; max?: number; unit: string }) {
  const { times, series } = options;
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = options.max ?? niceMax(Math.max(1, ...all));
  const n = times.length;
  const x = (i: number) => PAD.left + (n <= 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (n - 1));
  const y = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - Math.min(v, max) / max);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const label = (i: number) => times[i]?.slice(11, 16) ?? '';
  const xLabels = n === 0 ? [] : [...new Set([0, Math.floor((n - 1) / 2), n - 1])];
  return html`<figure class="chart">
  <figcaption>${options.title}${series.length > 1 ? html` <span class="legend">${series.map((s) => html`<span class="key ${s.className}">${s.label}</span>`)}</span>` : ''}</figcaption>
  <svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${options.title}" xmlns="http://www.w3.org/2000/svg">
    ${ticks.map((t) => html`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(t)}" y2="${y(t)}"></line><text class="axis" x="${PAD.left - 6}" y="${y(t) + 4}" text-anchor="end">${formatTick(t, options.unit)}</text>`)}
    ${xLabels.map((i) => html`<text class="axis" x="${x(i)}" y="${H - 8}" text-anchor="middle">${label(i)}</text>`)}
    ${n === 0 ? html`<text class="empty" x="${W / 2}" y="${H / 2}" text-anchor="middle">no data in this window yet</text>` : ''}
    ${series.map((s) => html`<path class="line ${s.className}" d="${pathOf(s.values, x, y)}"></path>${s.values.map((v, i) => (v === null ? '' : html`<circle class="dot ${s.className}" cx="${x(i)}" cy="${y(v)}" r="2.5"><title>${label(i)} ${s.label}: ${formatTick(v, options.unit)}</title></circle>`))}`)}
  </svg>
</figure>`;
}

export function routeCharts(points: readonly RouteSeriesPoint[]) {
  const times = points.map((p) => p.minute);
  return html`<div class="charts">
  ${lineChart({ title: 'Match rate', unit: '%', max: 100, times, series: [{ label: 'match rate', className: 's-match', values: points.map((p) => (p.compared > 0 ? (100 * p.matched) / p.compared : null)) }] })}
  ${lineChart({ title: 'Latency p99', unit: 'ms', times, series: [
    { label: 'legacy', className: 's-legacy', values: points.map((p) => p.p99.legacy) },
    { label: 'new', className: 's-new', values: points.map((p) => p.p99.new) },
  ] })}
</div>`;
}

function pathOf(values: readonly (number | null)[], x: (i: number) => number, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
    pen = true;
  });
  return d.trim();
}

function niceMax(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function formatTick(value: number, unit: string): string {
  const rounded = value >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${rounded}${unit === '%' ? '%' : ' ms'}`;
}
