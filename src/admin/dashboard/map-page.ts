// The migration map page: how much of the traffic each mode carries (one stacked bar), and the
// busiest endpoints still served by the monolith alone, each with the route YAML to start from in
// a collapsible block, over a window chosen by plain links (no script). Templates are PHI-safe by
// construction (src/discovery): data segments are '*'.
import { html } from 'hono/html';
import type { MigrationMapSnapshot, ServedAs } from '../../discovery/create-migration-map.ts';
import { DASHBOARD_PATH } from '../sessions.ts';

export interface MapView extends MigrationMapSnapshot {
  readonly window: string;
  readonly unmigrated: readonly (MigrationMapSnapshot['unmigrated'][number] & { readonly suggestedRoute: string })[];
}

/** The windows offered by the page; the API takes any (30m, 3d, ...). */
export const MAP_WINDOWS = ['1h', '24h', '7d'] as const;

const SHARES: readonly { key: ServedAs; label: string }[] = [
  { key: 'new', label: 'new' },
  { key: 'canary', label: 'canary' },
  { key: 'shadow', label: 'shadowed' },
  { key: 'legacy-route', label: 'legacy (route, not started)' },
  { key: 'unmatched', label: 'legacy only (no route)' },
];

export function mapBody(map: MapView) {
  return html`<section class="card">
  <div class="head"><h1>Migration map</h1>${windowLinks(map.window)}</div>
  <p class="muted small">${map.total} requests in the last ${map.window} (since ${map.since.replace('T', ' ').slice(0, 16)} UTC), every replica</p>
  ${shareBar(map)}
</section>
<section class="card">
  <h2>Top unmigrated endpoints</h2>
  ${map.unmigrated.length === 0 && map.other.requests === 0 ? html`<p class="muted">${map.total === 0 ? `No traffic in the last ${map.window}.` : `Every request in the last ${map.window} matched a route.`}</p>` : html`<div class="table-wrap"><table class="grid map">
    <thead><tr><th>Endpoint</th><th class="num">Requests</th><th class="num">Share</th><th class="num">Errors</th><th class="num">p99</th></tr></thead>
    <tbody>${map.unmigrated.map((e) => html`<tr class="endpoint"><td class="mono">${e.method} ${e.template}</td><td class="num">${e.requests}</td><td class="num">${share(e.share)}</td>
      <td class="num">${e.errors}${e.requests > 0 && e.errors > 0 ? html` <span class="muted">(${share(e.errors / e.requests)})</span>` : ''}</td><td class="num">${e.p99Ms === null ? '—' : `${Math.round(e.p99Ms * 10) / 10} ms`}</td></tr>
    <tr class="yaml"><td colspan="5"><details><summary>Suggested route</summary><pre class="mono">${e.suggestedRoute}</pre></details></td></tr>`)}
    ${map.other.requests > 0 ? html`<tr class="endpoint other"><td>other <span class="muted small">(beyond the cap on distinct templates)</span></td><td class="num">${map.other.requests}</td><td class="num">${share(map.other.requests / Math.max(1, map.total))}</td><td class="num">${map.other.errors}</td><td class="num">—</td></tr>` : ''}</tbody>
  </table></div>`}
  ${map.templates > map.unmigrated.length ? html`<p class="muted small">The ${map.unmigrated.length} busiest of ${map.templates} unmigrated endpoints; <span class="mono">ficus map --window ${map.window} --limit 500</span> lists more.</p>` : ''}
</section>`;
}

function windowLinks(current: string) {
  return html`<nav class="windows" aria-label="Window">${MAP_WINDOWS.map((w) => html`<a href="${DASHBOARD_PATH}/map?window=${w}"${w === current ? html` aria-current="page"` : ''}>${w}</a>`)}</nav>`;
}

/** One SVG bar (widths as attributes: the CSP forbids inline styles) and a legend with the numbers. */
function shareBar(map: MigrationMapSnapshot) {
  const total = Math.max(1, map.total);
  let x = 0;
  const parts = SHARES.map((s) => {
    const width = (100 * map.byServedAs[s.key]) / total;
    const part = { ...s, x, width, count: map.byServedAs[s.key] };
    x += width;
    return part;
  });
  return html`<svg class="share-bar" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label="Share of traffic by mode" xmlns="http://www.w3.org/2000/svg">
    ${map.total === 0 ? html`<rect class="share-empty" x="0" y="0" width="100" height="6"></rect>` : parts.map((p) => (p.width > 0 ? html`<rect class="share-${p.key}" x="${p.x}" y="0" width="${p.width}" height="6"></rect>` : ''))}
  </svg>
  <ul class="shares">${parts.map((p) => html`<li><span class="key share-${p.key}">${p.label}</span> <strong>${share(p.count / total)}</strong> <span class="muted">(${p.count})</span></li>`)}</ul>`;
}

function share(fraction: number): string {
  if (fraction > 0 && fraction < 0.001) return '< 0.1%';
  return `${Math.round(fraction * 1000) / 10}%`;
}
