// The store's health as its own signal, apart from readiness: the proxy serves without its store
// (differences and rollups wait in bounded buffers, counted), so a shared-store outage must not take
// every replica out of the load balancer. Checked in the background on a timer, so /readyz and
// /metrics answer from the last check and never wait on a store that does not answer.
import { sql } from 'kysely';
import { describeStoreFailure, STORE_FAILURE_SUMMARY, type StoreFailure } from './describe-store-failure.ts';
import type { Store } from './open-store.ts';
import type { AuditHead } from './audit-log.ts';
import type { StoreErrorCode } from './store-error.ts';
import type { IdentityCheck, StoreIdentityReport } from './store-identity.ts';

export type StoreStatus = 'ok' | 'failing' | 'unreachable' | 'lost';

/** Evidence held in memory while the store cannot take it, and what had to be dropped. */
export interface BufferedEvidence {
  readonly pendingRollups: number;
  readonly pendingDifferences: number;
  readonly droppedRollups: number;
  readonly droppedDifferences: number;
}

export interface StoreHealthSnapshot {
  readonly status: StoreStatus;
  /** When the current status began (ISO). */
  readonly since: string;
  readonly code: StoreErrorCode | null;
  /** What an API client may read (no hosts, paths): the full diagnosis goes to the log. */
  readonly summary: string | null;
  readonly lastCheckedAt: string | null;
  readonly failures: Readonly<Record<string, number>>;
  readonly buffered: BufferedEvidence;
  /** Which store this is and where its id is anchored (store-identity.ts). */
  readonly identity: StoreIdentityReport | null;
  /** The audit chain's newest entry: compare with an external copy to catch a truncated tail. */
  readonly auditHead: AuditHead | null;
}

export interface StoreHealthDeps {
  readonly store: Pick<Store, 'db'>;
  readonly now: () => Date;
  readonly buffered: () => BufferedEvidence;
  readonly identity?: IdentityCheck;
  readonly describe?: () => { identity: StoreIdentityReport | null; auditHead: AuditHead | null };
  /** Told once per change of status: one log line per outage, not one per failed write. */
  readonly onChange: (snapshot: StoreHealthSnapshot, detail: string | undefined) => void;
  readonly intervalMs?: number;
  /** A ping slower than this is an outage (a PostgreSQL that accepts and never answers). */
  readonly timeoutMs?: number;
  /** A write failure (full disk, read-only) counts as current for this long after it happened. */
  readonly failureHoldMs?: number;
}

export interface StoreHealth {
  snapshot(): StoreHealthSnapshot;
  /** Runs a check now (start-up, tests); never throws. */
  check(): Promise<StoreHealthSnapshot>;
  /** A store operation failed (a flush, an audit append, an admin read): counted, may change the status. */
  report(error: unknown): void;
  close(): void;
}

export function createStoreHealth(deps: StoreHealthDeps): StoreHealth {
  const timeoutMs = deps.timeoutMs ?? 2_000;
  const holdMs = deps.failureHoldMs ?? 30_000;
  const failures: Record<string, number> = {};
  let ping: StoreFailure | undefined;
  let lost: StoreFailure | undefined;
  let write: { failure: StoreFailure; atMs: number } | undefined;
  let lastCheckedAt: string | null = null;
  let current: { status: StoreStatus; since: string; failure: StoreFailure | undefined } = { status: 'ok', since: deps.now().toISOString(), failure: undefined };
  let running: Promise<StoreHealthSnapshot> | undefined;

  const snapshot = (): StoreHealthSnapshot => {
    const { status, since, failure } = current;
    const code = failure?.code ?? null;
    // A code without a summary of its own gets the generic one: raw messages carry paths and hosts.
    const summary = code ? STORE_FAILURE_SUMMARY[code] ?? STORE_FAILURE_SUMMARY.STORE_FAILED ?? 'the store failed' : null;
    return { status, since, code, summary, lastCheckedAt, failures: { ...failures }, buffered: deps.buffered(), ...(deps.describe?.() ?? { identity: null, auditHead: null }) };
  };

  const settle = () => {
    const nowMs = deps.now().getTime();
    if (write && nowMs - write.atMs > holdMs) write = undefined;
    const [status, failure]: [StoreStatus, StoreFailure | undefined] =
      lost ? ['lost', lost] : ping ? ['unreachable', ping] : write ? ['failing', write.failure] : ['ok', undefined];
    if (status === current.status && failure?.code === current.failure?.code) return;
    current = { status, since: new Date(nowMs).toISOString(), failure };
    deps.onChange(snapshot(), failure?.message);
  };

  const count = (failure: StoreFailure) => {
    failures[failure.code] = (failures[failure.code] ?? 0) + 1;
  };

  const runCheck = async (): Promise<StoreHealthSnapshot> => {
    ping = await pingWithin(deps.store, timeoutMs);
    if (!ping) {
      const verdict = await deps.identity?.().catch((error: unknown) => describeStoreFailure(error) ?? { code: 'STORE_FAILED' as const, message: String(error) });
      // Only a verdict of loss is loss; the identity read failing for another reason is an outage.
      lost = verdict?.code === 'STORE_LOST' ? verdict : undefined;
      if (verdict && !lost) ping = verdict;
    }
    if (ping) count(ping);
    if (lost) count(lost);
    lastCheckedAt = deps.now().toISOString();
    settle();
    return snapshot();
  };

  const timer = setInterval(() => void check(), deps.intervalMs ?? 5_000);
  timer.unref();

  function check(): Promise<StoreHealthSnapshot> {
    running ??= runCheck().finally(() => { running = undefined; });
    return running;
  }

  return {
    snapshot: () => {
      settle();
      return snapshot();
    },
    check,
    report(error) {
      const failure = describeStoreFailure(error) ?? { code: 'STORE_FAILED', message: error instanceof Error ? error.message : String(error) };
      count(failure);
      if (failure.code === 'STORE_UNREACHABLE') ping = failure;
      else if (failure.code === 'STORE_LOST') lost = failure;
      else write = { failure, atMs: deps.now().getTime() };
      settle();
    },
    close: () => clearInterval(timer),
  };
}

async function pingWithin(store: Pick<Store, 'db'>, timeoutMs: number): Promise<StoreFailure | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<StoreFailure>((resolve) => {
    timer = setTimeout(() => resolve({ code: 'STORE_UNREACHABLE', message: `the store did not answer within ${timeoutMs} ms` }), timeoutMs);
  });
  const answer = sql`select 1`.execute(store.db).then(
    () => undefined,
    (error: unknown) => describeStoreFailure(error) ?? { code: 'STORE_UNREACHABLE' as const, message: String(error) },
  );
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
