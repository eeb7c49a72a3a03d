// Appends audit entries without making the caller wait or fail: proxy-side events (breaker
// trips, observed flag edits, reloads) must never depend on the store being up. A failed append is
// logged once with its action, never silently lost. An append into a store that is no longer the
// one Ficus started on (deleted, replaced: store-identity.ts) is refused before it is written, so
// no change is ever confirmed with a sequence number that then vanishes.
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

export interface AuditorDeps {
  readonly db: Kysely<StoreSchema>;
  readonly now: () => Date;
  readonly onError: (error: unknown, action: string) => void;
  /** Rejects (STORE_LOST) when the store must not take the entry; runs before every append. */
  readonly beforeAppend?: () => Promise<void>;
  /** Told every stored entry: the chain's head is exported from here. */
  readonly onAppended?: (entry: AuditEntry) => void;
}

export function createAuditor(deps: AuditorDeps): Auditor {
  let chain: Promise<unknown> = Promise.resolve();
  const append = (input: Omit<AuditInput, 'at'>): Promise<AuditEntry> => {
    const at = deps.now();
    const entry = (deps.beforeAppend?.() ?? Promise.resolve()).then(() => appendAudit(deps.db, { ...input, at }));
    entry.then((stored) => deps.onAppended?.(stored), () => {});
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
