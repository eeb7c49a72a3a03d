// Dashboard pages as hono/html templates: every interpolated value is escaped by the template tag.
// No inline script or style (the CSP forbids them): behaviour lives in /assets/dashboard.js.
import { html } from 'hono/html';
import type { StoreHealthSnapshot } from '../../store/store-health.ts';
import type { NoiseSuggestion } from '../../compare/suggest-noise-rules.ts';
import type { AuditEntry } from '../../store/audit-log.ts';
import type { DifferenceRow } from '../../store/differences.ts';
import type { RouteSeriesPoint } from '../../store/route-series.ts';
import type { Principal } from '../auth.ts';
import type { RouteSummary } from '../route-report.ts';
import { DASHBOARD_PATH as BASE } from '../sessions.ts';
import type { ReadinessPolicy } from '../../compare/evidence.ts';
import { formatPercent } from '../describe-match.ts';
import { auditTable } from './audit-table.ts';
import { mapBody, type MapView } from './map-page.ts';
import { promotePanel } from './promote-panel.ts';
import { routeCharts, type RouteChartsOptions } from './route-charts.ts';

type Content = ReturnType<typeof html>;

type Section = 'routes' | 'map';

export function layout(title: string, body: Content, options: { principal?: Principal; csrf?: string; section?: Section } = {}) {
  const { principal, csrf } = options;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${csrf ? html`<meta name="csrf-token" content="${csrf}">` : ''}
<title>${title} · Ficus</title>
<link rel="stylesheet" href="${BASE}/assets/dashboard.css">
<script src="${BASE}/assets/dashboard.js" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="${BASE}/">Ficus <span>control plane</span></a>
  ${principal ? html`<nav class="sections">${navLink('routes', 'Routes', `${BASE}/`, options.section)}${navLink('map', 'Migration map', `${BASE}/map`, options.section)}</nav>
  <span class="updated" data-refresh-seconds="30" aria-live="off">updated just now</span>
  <form method="post" action="${BASE}/logout" class="who"><span>${principal.actor}${principal.actor === principal.role ? '' : html` <span class="role">${principal.role}</span>`}</span><input type="hidden" name="csrf" value="${csrf ?? ''}"><button type="submit" class="link">Log out</button></form>` : ''}
</header>
<main>${body}</main>
</body>
</html>`;
}

function navLink(section: Section, label: string, href: string, current: Section | undefined) {
  return html`<a href="${href}"${section === current ? html` aria-current="page"` : ''}>${label}</a>`;
}

export function loginPage(error?: string, nonce = '') {
  return layout('Log in', html`<section class="card login">
  <h1>Log in</h1>
  <p class="muted">Paste your admin token. It is checked once; the browser then keeps only a session cookie.</p>
  ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
  <form method="post" action="${BASE}/login">
    <input type="hidden" name="csrf" value="${nonce}">
    <label>Token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
    <button type="submit">Log in</button>
  </form>
</section>`);
}

export function routesPage(data: {
  routes: readonly RouteSummary[]; killSwitch: boolean; flagsRevision: string; principal: Principal; csrf: string; store?: StoreHealthSnapshot;
  /** Rollout status by route id, for routes with a rollout (awaiting-approval is what a CTO must act on). */
  rollouts?: ReadonlyMap<string, string>;
}) {
  const operator = data.principal.role === 'operator';
  return layout('Routes', html`
${data.killSwitch ? html`<p class="banner danger">Kill switch is ON: every route is served by legacy.</p>` : ''}
${data.store && data.store.status !== 'ok' ? html`<p class="banner danger">Store ${data.store.status}: ${data.store.summary ?? ''} (since ${data.store.since}). The proxy keeps serving; changes are refused while their audit entry cannot be stored.</p>` : ''}
<section class="card">
  <div class="head"><h1>Routes</h1><span class="muted">flags revision ${data.flagsRevision} · last 24 h</span></div>
  <div class="table-wrap"><table class="grid routes">
    <thead><tr><th>Route</th><th class="opt">Path</th><th>Mode</th><th class="num">Compared</th><th class="num">Match rate</th><th class="num">p99 legacy / new</th><th>Readiness</th></tr></thead>
    <tbody>${data.routes.map((r) => html`<tr>
      <td class="nowrap"><a href="${BASE}/routes/${encodeURIComponent(r.id)}">${r.id}</a></td>
      <td class="mono opt">${r.methods.join(' ')} ${r.template}</td>
      <td class="nowrap">${modeBadge(r.mode)}${r.mode === 'canary' ? html` <span class="pct">${r.percent}%</span>` : ''}${r.effectiveMode !== r.mode ? html` <span class="muted">(${r.effectiveMode})</span>` : ''}${data.rollouts?.get(r.id) ? html`<span class="sub">rollout ${data.rollouts.get(r.id)!.replace(/-/g, ' ')}</span>` : ''}</td>
      <td class="num">${r.stats.compared}</td>
      <td class="num">${matchFigures(r)}</td>
      <td class="num nowrap">${ms(r.stats.latency.legacy.p99)} / ${ms(r.stats.latency.new.p99)}</td>
      <td class="readiness">${readinessBadge(r)}${r.readiness.reasons[0] ? html`<span class="muted small reason">${r.readiness.reasons[0]}${r.readiness.reasons.length > 1 ? ` (+${r.readiness.reasons.length - 1} more)` : ''}</span>` : ''}</td>
    </tr>`)}</tbody>
  </table></div>
</section>
${operator ? html`<section class="card">
  <h2>Kill switch</h2>
  <p class="muted">Sends every route to legacy at once, whatever its flag says.</p>
  <form class="write" data-method="POST" data-url="/api/kill-switch" data-kind="kill-switch">
    <input type="hidden" name="on" value="${data.killSwitch ? 'false' : 'true'}">
    <label>Reason <input name="reason" required placeholder="why"></label>
    <button type="submit" class="${data.killSwitch ? '' : 'danger'}">${data.killSwitch ? 'Turn kill switch off' : 'Turn kill switch on'}</button>
    <output class="result"></output>
  </form>
</section>` : ''}`, { principal: data.principal, csrf: data.csrf, section: 'routes' });
}

export function routePage(data: {
  route: RouteSummary; series: readonly RouteSeriesPoint[]; differences: readonly DifferenceRow[]; noise: readonly NoiseSuggestion[];
  audit: readonly AuditEntry[]; principal: Principal; csrf: string;
  policy: ReadinessPolicy; charts: Omit<RouteChartsOptions, 'thresholdPercent'>; rollout: Content | '';
}) {
  const { route: r } = data;
  const operator = data.principal.role === 'operator';
  return layout(r.id, html`
<nav class="crumbs"><a href="${BASE}/">Routes</a> / ${r.id}</nav>
<section class="card">
  <div class="head"><h1>${r.id}</h1>${modeBadge(r.mode)}${r.mode === 'canary' ? html`<span class="pct">${r.percent}%</span>` : ''}</div>
  <p class="mono">${r.methods.join(' ')} ${r.template} → ${r.newService} · flag ${r.flag}</p>
  ${r.description ? html`<p class="muted">${r.description}</p>` : ''}
  <dl class="facts">
    <div><dt>Compared (24 h)${r.stats.version ? html` · version <span class="mono">${r.stats.version}</span>` : ''}</dt><dd>${r.stats.compared}</dd></div>
    <div><dt>Match rate</dt><dd>${matchFigures(r)}</dd></div>
    <div><dt>p99 legacy / new</dt><dd>${ms(r.stats.latency.legacy.p99)} / ${ms(r.stats.latency.new.p99)}</dd></div>
    <div><dt>Served legacy / new</dt><dd>${r.stats.served.legacy} / ${r.stats.served.new}</dd></div>
  </dl>
  ${r.versions.length > 1 ? html`<p class="muted small">Readiness judges version ${r.stats.version} only; earlier versions: ${r.versions.slice(1).map((v, i) => html`${i > 0 ? ', ' : ''}<span class="mono">${v.version}</span> (last seen ${new Date(v.lastSeen).toISOString().replace('T', ' ').slice(0, 16)})`)}</p>` : ''}
</section>
${promotePanel(r, data.policy)}
${data.rollout}
${operator ? html`<section class="card">
  <h2>Change mode</h2>
  <form class="write mode" data-method="PUT" data-url="/api/routes/${encodeURIComponent(r.id)}/mode" data-kind="mode">
    <label>Mode <select name="mode">${(['legacy', 'shadow', 'canary', 'new'] as const).map((m) => html`<option value="${m}"${m === r.mode ? ' selected' : ''}>${m}</option>`)}</select></label>
    <label class="percent">Percent <input name="percent" type="number" min="0" max="100" step="1" value="${r.mode === 'canary' ? r.percent : 5}"></label>
    <label class="grow">Reason <input name="reason" required placeholder="why (goes into the audit log)"></label>
    <label class="check"><input type="checkbox" name="force"> override readiness</label>
    <button type="submit">Apply</button>
    <output class="result"></output>
  </form>
</section>` : ''}
<section class="card">${routeCharts(data.series, { ...data.charts, thresholdPercent: 100 * (1 - data.policy.maxMismatchRate) })}</section>
<section class="card">
  <h2>Top differences</h2>
  ${data.differences.length === 0 ? html`<p class="muted">No differences recorded.</p>` : html`<div class="table-wrap"><table class="grid diffs">
    <thead><tr><th>Pointer</th><th>Kind</th><th class="opt">Types</th><th class="num">Count</th><th class="opt">Last seen</th><th>Status</th></tr></thead>
    <tbody>${data.differences.map((d) => html`<tr class="${d.accepted ? 'accepted' : ''}">
      <td class="mono">${d.pointer || '(whole body)'}</td><td>${d.kind}</td><td class="mono opt nowrap">${d.controlType} → ${d.candidateType}</td>
      <td class="num">${d.count}</td><td class="opt nowrap">${d.lastSeen.toISOString().replace('T', ' ').slice(0, 16)}</td>
      <td>${d.accepted ? html`<span class="badge ok">accepted</span> <span class="muted">${d.acceptedBy}: ${d.acceptedReason}</span>${operator ? html` <form class="write inline" data-method="POST" data-url="/api/differences/revoke" data-kind="accept">
        <input type="hidden" name="route" value="${r.id}"><input type="hidden" name="pointer" value="${d.pointer}"><input type="hidden" name="kind" value="${d.kind}">
        <input name="reason" required placeholder="why it is no longer expected"><button type="submit">Revoke</button><output class="result"></output>
      </form>` : ''}` : operator ? html`<form class="write inline" data-method="POST" data-url="/api/differences/accept" data-kind="accept">
        <input type="hidden" name="route" value="${r.id}"><input type="hidden" name="pointer" value="${d.pointer}"><input type="hidden" name="kind" value="${d.kind}">
        <input name="reason" required placeholder="why it is expected"><button type="submit">Accept</button><output class="result"></output>
      </form>` : html`<span class="badge warn">open</span>`}</td>
    </tr>`)}</tbody>
  </table></div>`}
</section>
<section class="card">
  <h2>Noise suggestions</h2>
  ${data.noise.length === 0 ? html`<p class="muted">No noise observed (legacy compared with itself).</p>` : html`<div class="table-wrap"><table class="grid">
    <thead><tr><th>Pointer</th><th>Kinds</th><th class="num">Count</th><th>Rule for the route file</th></tr></thead>
    <tbody>${data.noise.map((n) => html`<tr><td class="mono">${n.pointer}</td><td>${n.kinds.join(', ')}</td><td class="num">${n.count}</td><td class="mono">${JSON.stringify(n.rule)}</td></tr>`)}</tbody>
  </table></div>`}
</section>
<section class="card">
  <h2>Audit trail</h2>
  ${auditTable(data.audit)}
</section>`, { principal: data.principal, csrf: data.csrf, section: 'routes' });
}

export function mapPage(data: { map: MapView; principal: Principal; csrf: string }) {
  return layout('Migration map', mapBody(data.map), { principal: data.principal, csrf: data.csrf, section: 'map' });
}

function modeBadge(mode: string) {
  return html`<span class="badge mode-${mode}">${mode}</span>`;
}

function readinessBadge(r: RouteSummary) {
  if (r.readiness.outcome === 'ready') return html`<span class="badge ok">ready</span>`;
  const [badge, label] = r.readiness.outcome === 'inconclusive' ? ['info', 'inconclusive'] : ['warn', 'not ready'];
  return html`<span class="badge ${badge}">${label}</span>`;
}

/** "96.8% exact" with, when differences were accepted, the rate that counts them as expected below it. */
function matchFigures(r: RouteSummary) {
  const s = r.stats;
  if (s.matchRate === null) return html`<span class="muted">no comparisons</span>`;
  return html`${formatPercent(s.matchRate)} exact${s.acceptedDifferences > 0 && s.matchRateWithAccepted !== null ? html`<span class="sub">${formatPercent(s.matchRateWithAccepted)} with ${s.acceptedDifferences} accepted</span>` : ''}`;
}

function ms(value: number | null): string {
  return value === null ? '—' : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}
