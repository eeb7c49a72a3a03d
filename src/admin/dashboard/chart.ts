// Server-rendered SVG line charts (no script, no CDN): match rate and p99 latency over time. The x
// axis is time, not bucket index, so buckets with no data are gaps — "nothing observed" must not
// read as "0% match", and an hour of silence must not vanish between two neighbouring points.
import { html } from 'hono/html';
import { timeTicks } from './chart-scale.ts';

export interface SeriesPoint {
  /** Bucket start, epoch ms. */
  readonly t: number;
  readonly v: number;
}

export interface Series {
  readonly label: string;
  /** CSS class of the line (colours and dashes live in dashboard.css; the CSP blocks inline styles). */
  readonly className: string;
  readonly points: readonly SeriesPoint[];
}

export interface ChartOptions {
  readonly title: string;
  readonly unit: '%' | 'ms';
  readonly startMs: number;
  readonly endMs: number;
  readonly bucketMs: number;
  /** Drawn last-listed first, so the first series stays visible where two lines coincide. */
  readonly series: readonly Series[];
  /** Value axis; ticks are chosen inside it. */
  readonly domain: readonly [number, number];
  readonly ticks: readonly number[];
  /** A reference line (the readiness threshold), labelled on the chart itself. */
  readonly threshold?: { readonly value: number; readonly label: string };
}

const W = 560;
const H = 190;
const PAD = { left: 56, right: 14, top: 14, bottom: 26 };
/** A bucket with no neighbour is drawn at least this wide: a lone dot reads as "no data". */
const MIN_SEGMENT_PX = 14;

export function lineChart(o: ChartOptions) {
  const [lo, hi] = o.domain;
  const span = Math.max(1, o.endMs - o.startMs);
  const x = (t: number) => PAD.left + ((t - o.startMs) / span) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - (Math.min(Math.max(v, lo), hi) - lo) / (hi - lo || 1));
  const empty = o.series.every((s) => s.points.length === 0);
  const xTicks = empty ? [] : timeTicks(o.startMs, o.endMs);
  return html`<figure class="chart">
  <figcaption>${o.title}<span class="legend">${o.series.map((s) => html`<span class="key ${s.className}">${s.label}</span>`)}</span></figcaption>
  <svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${o.title}" xmlns="http://www.w3.org/2000/svg">
    ${o.ticks.map((t) => html`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(t)}" y2="${y(t)}"></line><text class="axis" x="${PAD.left - 6}" y="${y(t) + 4}" text-anchor="end">${formatValue(t, o.unit)}</text>`)}
    ${xTicks.map((t) => html`<text class="axis" x="${x(t)}" y="${H - 8}" text-anchor="${anchorOf(x(t))}">${clock(t)}</text>`)}
    ${o.threshold ? html`<line class="threshold" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(o.threshold.value)}" y2="${y(o.threshold.value)}"></line><text class="threshold-label" x="${W - PAD.right - 4}" y="${labelY(y(o.threshold.value))}" text-anchor="end">${o.threshold.label}</text>` : ''}
    ${empty ? html`<text class="empty" x="${(W + PAD.left) / 2}" y="${H / 2}" text-anchor="middle">no data in this window yet</text>` : ''}
    ${[...o.series].reverse().map((s) => html`<path class="line ${s.className}" d="${pathOf(s.points, o.bucketMs, x, y)}"></path>${s.points.map((p) => html`<circle class="dot ${s.className}" cx="${x(p.t + o.bucketMs / 2)}" cy="${y(p.v)}" r="2.5"><title>${clock(p.t)} ${s.label}: ${formatValue(p.v, o.unit)}</title></circle>`)}`)}
  </svg>
</figure>`;
}

/** Consecutive buckets are joined; a lone bucket is a short level segment, never just a dot. */
function pathOf(points: readonly SeriesPoint[], bucketMs: number, x: (t: number) => number, y: (v: number) => number): string {
  const parts: string[] = [];
  let run: SeriesPoint[] = [];
  const flush = () => {
    if (run.length === 1) {
      const p = run[0]!;
      const half = Math.max(MIN_SEGMENT_PX / 2, (x(p.t + bucketMs) - x(p.t)) / 2);
      const mid = x(p.t + bucketMs / 2);
      parts.push(`M${(mid - half).toFixed(1)},${y(p.v).toFixed(1)} L${(mid + half).toFixed(1)},${y(p.v).toFixed(1)}`);
    } else if (run.length > 1) {
      parts.push(run.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t + bucketMs / 2).toFixed(1)},${y(p.v).toFixed(1)}`).join(' '));
    }
    run = [];
  };
  for (const p of points) {
    const last = run[run.length - 1];
    if (last && p.t - last.t > bucketMs) flush();
    run.push(p);
  }
  flush();
  return parts.join(' ');
}

/** Above the threshold line, or below it when the line runs along the top edge (99.9% of a 100% axis). */
function labelY(lineY: number): number {
  return lineY - PAD.top < 14 ? lineY + 13 : lineY - 5;
}

/** Labels at the edges are anchored inwards so the first and last never clip. */
function anchorOf(px: number): 'start' | 'middle' | 'end' {
  if (px < PAD.left + 18) return 'start';
  if (px > W - PAD.right - 18) return 'end';
  return 'middle';
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

export function formatValue(value: number, unit: '%' | 'ms'): string {
  if (unit === 'ms') return `${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10} ms`;
  // Enough decimals to tell 99.9% from 100%: the axis is zoomed to the data.
  return `${Number(value.toFixed(2))}%`;
}
