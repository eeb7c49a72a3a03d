// The autopilot on the route page: the plan's steps as a timeline (done, current, still to come, and
// which wait for a person), the rollout's status, its last decision with every gate's measured value
// beside its threshold, and an Approve button when the rollout waits for one.
import { html } from 'hono/html';
import type { RolloutView } from '../../rollout/create-rollout-controller.ts';
import type { Gate } from '../../rollout/evaluate-gates.ts';
import { describeStep, needsApproval, type RolloutPlan } from '../../rollout/rollout-plan.ts';

interface Decision {
  readonly action?: string;
  readonly reason?: string;
  readonly at?: number;
  readonly gates?: readonly Gate[];
}

export function rolloutSection(data: { routeId: string; plan: RolloutPlan | undefined; rollout: RolloutView | null; operator: boolean }) {
  const { plan, rollout } = data;
  if (!plan && !rollout) return '';
  const steps = rollout?.steps ?? plan!.steps.map(describeStep);
  const current = rollout?.stepIndex ?? -1;
  const waiting = rollout?.status === 'awaiting-approval';
  return html`<section class="card rollout">
  <div class="head"><h2>Rollout</h2>${rollout ? html`<span class="badge status-${rollout.status}">${rollout.status}</span>${rollout.dryRun ? html`<span class="badge info">dry run</span>` : ''}` : html`<span class="badge info">not started</span>`}</div>
  ${rollout ? html`<p class="muted small">Started by ${rollout.startedBy} · ${rollout.rollbacks} rollback${rollout.rollbacks === 1 ? '' : 's'}${plan ? ` of ${plan.maxRollbacks} allowed` : ''}</p>` : html`<p class="muted small">This route declares a plan; start it with <span class="mono">ficus rollout start ${data.routeId} --reason …</span>.</p>`}
  <ol class="timeline">
    <li class="step ${current < 0 && rollout ? 'current' : 'done'}"><span class="name">legacy</span><span class="note">start</span></li>
    ${steps.map((name, i) => html`<li class="step ${i < current ? 'done' : i === current ? 'current' : waiting && i === current + 1 ? 'waiting' : 'pending'}">
      <span class="name">${name}</span>
      <span class="note">${stepNote(plan, i, waiting && i === current + 1)}</span>
      ${i === current && rollout ? html`<span class="note since">since ${clock(rollout.stepStartedAt)}</span>` : ''}
    </li>`)}
  </ol>
  ${waiting ? approval(data.routeId, steps[current + 1] ?? 'the next step', data.operator) : ''}
  ${rollout?.lastDecision ? lastDecision(rollout.lastDecision as Decision) : ''}
</section>`;
}

/** What a step waits for: a person (and whether that wait is now), or its bake time. */
function stepNote(plan: RolloutPlan | undefined, i: number, waitingNow: boolean): string {
  const step = plan?.steps[i];
  if (!plan || !step) return '';
  if (needsApproval(plan, step)) return waitingNow ? 'waiting for approval' : 'needs approval';
  return `bake ≥ ${step.bakeMinutes} min`;
}

function clock(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}

function approval(routeId: string, next: string, operator: boolean) {
  return html`<div class="approval">
  <p><strong>Waiting for a person's approval to move to ${next}.</strong> Every gate of the current step held.</p>
  ${operator ? html`<form class="write" data-method="POST" data-url="/api/rollouts/${encodeURIComponent(routeId)}/approve" data-kind="approve">
    <label class="grow">Reason <input name="reason" required placeholder="why it is safe to go on (goes into the audit log)"></label>
    <button type="submit" class="approve">Approve ${next}</button>
    <output class="result"></output>
  </form>` : html`<p class="muted">An operator must approve.</p>`}
</div>`;
}

function lastDecision(d: Decision) {
  return html`<h3>Last decision${d.at ? html` <span class="muted small">${new Date(d.at).toISOString().replace('T', ' ').slice(0, 19)} UTC</span>` : ''}</h3>
  <p><span class="badge info">${d.action ?? '?'}</span> ${d.reason ?? ''}</p>
  ${d.gates && d.gates.length > 0 ? html`<div class="table-wrap"><table class="grid gates">
    <thead><tr><th>Gate</th><th>Outcome</th><th>Measured</th><th>Threshold</th></tr></thead>
    <tbody>${d.gates.map((g) => html`<tr><td>${g.name}</td><td>${gateBadge(g.outcome)}</td><td>${measuredOf(g)}</td><td class="muted">${g.threshold}</td></tr>`)}</tbody>
  </table></div>` : ''}`;
}

/** The readiness gate's reasons are the ones the panel above lists: shown there once, here on hover. */
function measuredOf(g: Gate) {
  if (g.name !== 'readiness') return g.measured;
  const [outcome] = g.measured.split(':');
  return html`<span title="${g.measured}">${outcome} (see above)</span>`;
}

function gateBadge(outcome: Gate['outcome']) {
  const tone = outcome === 'pass' ? 'ok' : outcome === 'fail' ? 'warn' : 'info';
  return html`<span class="badge ${tone}">${outcome}</span>`;
}
