// The store's health in Prometheus text, appended to the admin port's /metrics: an alert on
// ficus_store_up == 0 or ficus_store_lost == 1 pages someone without failing /readyz.
import type { StoreHealthSnapshot, StoreStatus } from './store-health.ts';

const STATUSES: readonly StoreStatus[] = ['ok', 'failing', 'unreachable', 'lost'];

export function renderStoreMetrics(s: StoreHealthSnapshot, nowMs: number): string {
  const out: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string, series: readonly [string, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of series) out.push(`${name}${labels} ${value}`);
  };
  family('ficus_store_up', 'gauge', '1 while the store answers and takes writes; 0 during an outage (the proxy keeps serving).', [['', s.status === 'ok' ? 1 : 0]]);
  family('ficus_store_status', 'gauge', 'The store status, one series per status; 1 marks the current one.', STATUSES.map((st) => [`{status="${st}"}`, st === s.status ? 1 : 0]));
  family('ficus_store_lost', 'gauge', '1 when the store is not the one this Ficus was using (deleted, replaced or emptied): an alarm.', [['', s.status === 'lost' ? 1 : 0]]);
  family('ficus_store_status_seconds', 'gauge', 'Seconds the store has been in its current status.', [['', Math.max(0, (nowMs - Date.parse(s.since)) / 1000)]]);
  family('ficus_store_failures_total', 'counter', 'Failed store checks and operations, by code.', Object.entries(s.failures).map(([code, n]) => [`{code="${code}"}`, n]));
  family('ficus_store_buffered', 'gauge', 'Evidence held in memory until the store takes it, by kind (bounded).', [
    ['{kind="rollups"}', s.buffered.pendingRollups],
    ['{kind="differences"}', s.buffered.pendingDifferences],
  ]);
  family('ficus_store_dropped_total', 'counter', 'Evidence dropped because the buffer was full while the store could not take it, by kind.', [
    ['{kind="rollups"}', s.buffered.droppedRollups],
    ['{kind="differences"}', s.buffered.droppedDifferences],
  ]);
  if (s.identity) family('ficus_store_identity_anchored', 'gauge', '1 when the store id is anchored beside the config; 0: a restart onto an empty store would go unnoticed.', [['', s.identity.anchored ? 1 : 0]]);
  family('ficus_audit_head_seq', 'gauge', "Sequence number of the audit chain's newest entry; keep a copy elsewhere to catch a truncated tail.", s.auditHead ? [['', s.auditHead.seq]] : []);
  family('ficus_audit_head_info', 'gauge', "The audit chain's newest entry as SEQ and HASH labels (for `ficus audit verify --expect-head SEQ:HASH`).",
    s.auditHead ? [[`{seq="${s.auditHead.seq}",hash="${s.auditHead.hash}"}`, 1]] : []);
  return `${out.join('\n')}\n`;
}
