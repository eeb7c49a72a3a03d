// The migration map page: how much of the traffic each mode carries (one stacked bar), and the
// busiest endpoints still served by the monolith alone, each with the route YAML to start from in
// a collapsible block. Templates are PHI-safe by construction (src/discovery): data segments are '*'.
import { html } from 'hono/html';
import type { MigrationMapSnapshot, ServedAs } from '../../discovery/create-migration-map.ts';

export interface MapView extends MigrationMapSnapshot {
  readonly unmigrated: readonly (MigrationMapSnapshot['unmigrated'][number] & { readonly suggestedRoute: string })[];
}

const SHARES: readonly { key: ServedAs; label: string }[] = [
  { key: 'new', label: 'new' },
  { key: 'canary', label: 'canary' },
  { key: 'shadow', label: 'shadowed' },
  { key: 'legacy-route', label: 'legacy (route, not started)' },
  { key: 'unmatched', label: 'legacy only (no route)' },
];

export function mapBody(map: MapView) {
  return html`<section class="card">
  <div class="head"><h1>Migration map</h1><span class="muted">${map.total} requests seen by this replica since it started</span></div>
  ${shareBar(map)}
</section>
<section class="card">
  <h2>Top unmigrated endpoints</h2>
  ${map.unmigrated.length === 0 ? html`<p class="muted">Every request seen so far matched a route.</p>` : html`<div class="table-wrap"><table class="grid map">
    <thead><tr><th>Endpoint</th><th class="num">Requests</th><th class="num">Share</th><th class="num">Errors</th><th class="num">p99</th></tr></thead>
    <tbody>${map.unmigrated.map((e) => html`<tr class="endpoint"><td class="mono">${e.method} ${e.template}</td><td class="num">${e.requests}</td><td class="num">${share(e.share)}</td>
      <td class="num">${e.errors}${e.requests > 0 && e.errors > 0 ? html` <span class="muted">(${share(e.errors / e.requests)})</span>` : ''}</td><td class="num">${e.p99Ms === null ? '—' : `${Math.round(e.p99Ms * 10) / 10} ms`}</td></tr>
    <tr class="yaml"><td colspan="5"><details><summary>Suggested route</summary><pre class="mono">${e.suggestedRoute}</pre></details></td></tr>`)}</tbody>
  </table></div>`}
  ${map.overflow > 0 ? html`<p class="muted small">${map.overflow} requests had a shape beyond the map's cap on distinct templates.</p>` : ''}
</section>`;
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
