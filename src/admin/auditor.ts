// Appends audit entries without making the caller wait or fail: proxy-side events (breaker
// trips, observed flag edits, reloads) must never depend on the store being up. A failed append is
// logged once with its action, never silently lost.
import type { Kysely } from 'kysely';
import { appendAudit, type AuditEntry, type AuditInput } from '../store/audit-log.ts';
import type { StoreSchema } from '../store/schema.ts';

export interface Auditor {
  /** Fire and forget (proxy-side events). */
  record(input: Omit<AuditInput, 'at'>): void;
  /** Awaited (control-plane writes: the API answers only once the entry is stored). */
  append(input: Omit<AuditInput, 'at'>): Promise<AuditEntry>;
  settled(): Promise<void>;
}

export function createAuditor(deps: { db: Kysely<StoreSchema>; now: () => Date; onError: (error: unknown, action: string) => void }): Auditor {
  let chain: Promise<unknown> = Promise.resolve();
  const append = (input: Omit<AuditInput, 'at'>): Promise<AuditEntry> => {
    const entry = appendAudit(deps.db, { ...input, at: deps.now() });
    chain = chain.then(() => entry).catch(() => {});
    return entry;
  };
  return {
    record(input) {
      append(input).catch((error) => deps.onError(error, input.action));
    },
    append,
    settled: () => chain.then(() => undefined),
  };
}
