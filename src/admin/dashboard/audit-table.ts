// A route's audit trail on its page. Consecutive entries that say the same thing (the autopilot
// repeating "waiting for approval" every tick) are one row with a count and a time span: fifty
// identical lines push the one decision a person made off the screen.
import { html } from 'hono/html';
import type { AuditEntry } from '../../store/audit-log.ts';

interface Row {
  readonly first: AuditEntry;
  readonly last: AuditEntry;
  readonly count: number;
  readonly change: string;
}

export function auditTable(entries: readonly AuditEntry[]) {
  if (entries.length === 0) return html`<p class="muted">No entries for this route yet.</p>`;
  return html`<div class="table-wrap"><table class="grid audit">
  <thead><tr><th class="num opt">#</th><th>When (UTC)</th><th>Who</th><th>Action</th><th>Change</th><th>Reason</th><th class="opt">Via</th></tr></thead>
  <tbody>${groupRepeats(entries).map((r) => html`<tr>
    <td class="num opt nowrap">${r.count > 1 ? `${r.last.seq}–${r.first.seq}` : r.first.seq}</td>
    <td class="nowrap">${when(r.first)}${r.count > 1 ? html`<span class="sub">×${r.count} since ${when(r.last).slice(11)}</span>` : ''}</td>
    <td>${r.first.actor}</td><td class="nowrap">${r.first.action}</td>
    <td class="mono">${r.change}</td><td>${r.first.reason ?? ''}</td><td class="opt nowrap">${r.first.source}</td>
  </tr>`)}</tbody>
</table></div>`;
}

/** Entries arrive newest first; a row keeps the newest (first) and oldest (last) of its run. */
function groupRepeats(entries: readonly AuditEntry[]): Row[] {
  const rows: Row[] = [];
  for (const e of entries) {
    const change = describeChange(e);
    const previous = rows[rows.length - 1];
    if (previous && previous.first.action === e.action && previous.first.actor === e.actor && previous.first.reason === e.reason && previous.change === change && previous.first.source === e.source) {
      rows[rows.length - 1] = { ...previous, last: e, count: previous.count + 1 };
    } else {
      rows.push({ first: e, last: e, count: 1, change });
    }
  }
  return rows;
}

function when(e: AuditEntry): string {
  return e.at.toISOString().replace('T', ' ').slice(0, 19);
}

function describeChange(e: AuditEntry): string {
  const d = e.details as { before?: unknown; after?: unknown; pointer?: string; kind?: string } | null;
  if (!d) return '';
  const state = (s: unknown) => {
    if (s && typeof s === 'object' && 'mode' in s) {
      const m = s as { mode: string; percent: number };
      return m.mode === 'canary' ? `canary ${m.percent}%` : m.mode;
    }
    return JSON.stringify(s);
  };
  if (d.pointer !== undefined) return `${d.kind} ${d.pointer}${(d.after as { accepted?: boolean } | undefined)?.accepted === false ? ' (revoked)' : ''}`;
  // A promotion made although readiness said no is the one change an auditor must not miss.
  const forced = (d as { forced?: boolean }).forced === true ? ' FORCED' : '';
  if (d.before !== undefined || d.after !== undefined) return `${state(d.before)} → ${state(d.after)}${forced}`;
  return '';
}
