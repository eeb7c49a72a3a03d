// "Can I promote this route, and if not, what exactly is missing?" — the first thing on a route
// page. One verdict in words, the readiness reasons listed once, and each rule with what was
// measured beside what it needs, so a "no" always comes with the number that has to move.
import { html } from 'hono/html';
import type { ReadinessPolicy } from '../../compare/evidence.ts';
import type { RouteSummary } from '../route-report.ts';

type Check = { readonly name: string; readonly outcome: 'pass' | 'fail' | 'missing'; readonly measured: string; readonly needs: string };

const HEADLINE = {
  ready: ['ok', 'Yes — ready to promote', 'Every readiness rule holds on the current evidence.'],
  'not-ready': ['warn', 'No — not ready to promote', 'Something wrong was seen; fix or accept it first.'],
  inconclusive: ['info', 'Not yet — too little evidence', 'Nothing wrong was seen, but the evidence cannot prove the route good yet.'],
} as const;

export function promotePanel(r: RouteSummary, policy: ReadinessPolicy) {
  const [tone, headline, explain] = HEADLINE[r.readiness.outcome];
  return html`<section class="card promote ${tone}">
  <h2 class="verdict"><span class="badge ${tone}">${r.readiness.outcome === 'not-ready' ? 'not ready' : r.readiness.outcome}</span> ${headline}</h2>
  <p class="muted">${explain}${r.stats.version ? html` Judged on version <span class="mono">${r.stats.version}</span> only.` : ''}</p>
  ${r.readiness.reasons.length ? html`<h3>What is missing</h3><ul class="reasons">${r.readiness.reasons.map((reason) => html`<li>${reason}</li>`)}</ul>` : ''}
  <div class="table-wrap"><table class="grid checks">
    <thead><tr><th>Rule</th><th>Measured</th><th>Needs</th><th></th></tr></thead>
    <tbody>${checksOf(r, policy).map((c) => html`<tr><td>${c.name}</td><td>${c.measured}</td><td class="muted">${c.needs}</td><td class="num">${checkBadge(c.outcome)}</td></tr>`)}</tbody>
  </table></div>
</section>`;
}

function checksOf(r: RouteSummary, policy: ReadinessPolicy): Check[] {
  const s = r.stats;
  const upper = r.readiness.mismatchUpperBound;
  const unexpected = Math.max(0, s.mismatched - s.acceptedMismatches);
  const open = s.differences.filter((d) => !d.accepted).length;
  const legacyP99 = s.latency.legacy.p99;
  const newP99 = s.latency.new.p99;
  const latencyOk = legacyP99 === null || newP99 === null ? null : newP99 <= legacyP99 + policy.latencyBudgetMs;
  return [
    { name: 'Comparisons', outcome: s.compared >= policy.minComparisons ? 'pass' : 'missing', measured: `${s.compared}${s.uncomparable ? ` (+${s.uncomparable} uncomparable)` : ''}`, needs: `≥ ${policy.minComparisons}` },
    { name: 'Match rate', outcome: upper === null ? 'missing' : unexpected / s.compared >= policy.maxMismatchRate ? 'fail' : upper < policy.maxMismatchRate ? 'pass' : 'missing',
      measured: `${s.matchSummary}${upper === null ? '' : ` · mismatches ≤ ${pct(upper)} (95% bound)`}`, needs: `mismatches < ${pct(policy.maxMismatchRate)}` },
    { name: 'Differences', outcome: open === 0 ? 'pass' : 'fail', measured: s.differences.length === 0 ? 'none seen' : `${open} open, ${s.differences.length - open} accepted`, needs: 'none open' },
    { name: 'Latency p99', outcome: latencyOk === null ? 'missing' : latencyOk ? 'pass' : 'fail',
      measured: `new ${ms(newP99)}, legacy ${ms(legacyP99)}`, needs: `new ≤ legacy + ${policy.latencyBudgetMs} ms` },
  ];
}

function checkBadge(outcome: Check['outcome']) {
  const [tone, label] = outcome === 'pass' ? ['ok', 'holds'] : outcome === 'fail' ? ['warn', 'fails'] : ['info', 'needs evidence'];
  return html`<span class="badge ${tone}">${label}</span>`;
}

function ms(value: number | null): string {
  return value === null ? 'no data' : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

/** Three significant digits, as readiness reasons write rates (a bound is never rounded down to pass). */
function pct(rate: number): string {
  return `${Number((rate * 100).toPrecision(3))}%`;
}
