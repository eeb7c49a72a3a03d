// The store plane of a running Ficus: the store itself, its health (its own signal beside /readyz,
// never part of the verdict), its identity (a deleted or replaced store is an alarm and audited
// writes are refused), the audit chain's head (exported so truncation is detectable), and the
// writers that buffer evidence while it is away. Every store failure feeds the health and is
// logged at most once a minute per kind (#13 items 6, 7).
import type { Logger } from 'pino';
import { createAuditor, type Auditor } from '../admin/auditor.ts';
import type { ExchangeObservation } from '../compare/evidence.ts';
import { describeError } from '../config/describe-error.ts';
import type { Settings } from '../config/settings.ts';
import { readAuditHead, type AuditEntry } from '../store/audit-log.ts';
import { describeStoreFailure } from '../store/describe-store-failure.ts';
import { resolveDiffKey, type DiffKey } from '../store/diff-key.ts';
import { createDifferenceWriter, type DifferenceWriter } from '../store/difference-writer.ts';
import { createLogLimiter, type LogLimiter } from '../shared/log-limiter.ts';
import { openStore, type Store } from '../store/open-store.ts';
import { createStatsRecorder, type StatsRecorder } from '../store/stats-recorder.ts';
import { StoreError } from '../store/store-error.ts';
import { createStoreHealth, type StoreHealth } from '../store/store-health.ts';
import { establishStoreIdentity } from '../store/store-identity.ts';
import type { EmitEvent } from './events.ts';

export interface StorePlane {
  readonly store: Store;
  readonly diffKey: DiffKey;
  readonly health: StoreHealth;
  readonly auditor: Auditor;
  readonly stats: StatsRecorder;
  readonly differences: DifferenceWriter;
  readonly logLimiter: LogLimiter;
  /** An error handler for a store write of this kind: feeds the health, logs rate-limited. */
  failed(event: string, message: string, fields?: Record<string, unknown>): (error: unknown) => void;
}

export interface StorePlaneDeps {
  readonly settings: Pick<Settings, 'databaseUrl' | 'diffKey' | 'dataDir' | 'flagsDir'>;
  readonly log: Logger;
  readonly emit: EmitEvent;
  readonly now: () => Date;
  readonly checkIntervalMs?: number;
  /** Where dropped evidence is counted (the proxy's observation sink, bound later). */
  observe(observation: ExchangeObservation): void;
}

export async function openStorePlane(deps: StorePlaneDeps): Promise<StorePlane> {
  const { settings, log, now } = deps;
  const store = await openStore({ url: settings.databaseUrl, log: { info: (m) => log.info(m), warn: (m) => log.warn(m) } });
  const diffKey = await resolveDiffKey({ envValue: settings.diffKey, dataDir: settings.dataDir, engine: store.engine, log: { warn: (m) => log.warn({ event: 'diff-key' }, m) } });
  const logLimiter = createLogLimiter({ nowMs: () => now().getTime() });
  const identity = await establishStoreIdentity({ db: store.db, url: settings.databaseUrl, anchorDir: settings.flagsDir, now });
  if (identity.anchor.kind === 'written') log.info({ event: 'store-anchored', storeId: identity.identity.storeId, anchor: identity.anchor.path }, 'store id anchored beside the config');
  if (identity.anchor.kind === 'unwritable') log.warn({ event: 'store-unanchored', anchor: identity.anchor.path, error: identity.anchor.reason }, 'cannot anchor the store id beside the config: a restart onto an empty store will not be detected');
  let auditHead = await readAuditHead(store.db);
  if (auditHead) log.info({ event: 'audit-head', seq: auditHead.seq, hash: auditHead.hash }, 'audit chain head at start');
  const exportAuditHead = (entry: AuditEntry) => {
    if (auditHead && entry.seq <= auditHead.seq) return;
    auditHead = { seq: entry.seq, hash: entry.hash };
    log.info({ event: 'audit-head', seq: entry.seq, hash: entry.hash, action: entry.action }, 'audit entry appended');
  };
  const health: StoreHealth = createStoreHealth({
    store, now, intervalMs: deps.checkIntervalMs,
    identity: identity.check,
    describe: () => ({ identity: identity.report(), auditHead: auditHead ?? null }),
    buffered: () => {
      const rollups = stats.buffered();
      return { pendingRollups: rollups.pending, droppedRollups: rollups.dropped, pendingDifferences: differences.pending(), droppedDifferences: differences.dropped() };
    },
    onChange: (h, detail) => deps.emit({ type: 'store-health', status: h.status, code: h.code, error: detail }),
  });
  const failed = (event: string, message: string, fields: Record<string, unknown> = {}) => (error: unknown) => {
    health.report(error);
    const code = describeStoreFailure(error)?.code ?? 'other';
    logLimiter.attempt(`${event}:${code}`, (suppressed) => log.error({ event, ...fields, code, error: describeStoreFailure(error)?.message ?? describeError(error), suppressed }, message));
  };
  const auditor = createAuditor({
    db: store.db, now, onError: (error, action) => failed('audit-append-failed', 'audit append failed', { action })(error),
    // An audit entry written into a lost store would vanish: refuse it (the change rolls back).
    beforeAppend: async () => {
      const h = await health.check();
      if (h.status === 'lost') throw new StoreError('STORE_LOST', `audit entry refused: ${h.summary}`);
    },
    onAppended: exportAuditHead,
  });
  const stats = createStatsRecorder({ db: store.db, now, onError: failed('stats-flush-failed', 'statistics flush failed') });
  const differences = createDifferenceWriter({
    db: store.db,
    onError: failed('differences-flush-failed', 'differences flush failed'),
    onDropped: (route, rows) => deps.observe({ type: 'dropped', route, what: 'difference-rows', count: rows }),
  });
  await health.check();
  return { store, diffKey, health, auditor, stats, differences, logLimiter, failed };
}
