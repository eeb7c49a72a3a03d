// Every event a subsystem of Ficus reports, and the one table that decides what it leaves behind:
// its log level, its log line, the fields the line carries and the audit entry it appends (if any).
// Subsystems emit typed facts; wording lives here only. Fields are picked by name, never spread
// from the event, so nothing a subsystem adds later (a path, a query, a header) reaches a log line
// or the audit chain without a change to this table (events.test.ts feeds every event a canary).
import type { Logger } from 'pino';
import type { AuditInput } from '../store/audit-log.ts';
import type { BreakerTransition } from '../dispatch/breaker.ts';
import type { StoreStatus } from '../store/store-health.ts';

export type FicusEvent =
  | { readonly type: 'listening'; readonly node: string; readonly proxyUrl: string; readonly adminUrl: string; readonly routes: number; readonly flagsRevision: string; readonly store: string }
  | { readonly type: 'draining'; readonly inFlight: number }
  | { readonly type: 'drain-deadline'; readonly inFlight: number }
  | { readonly type: 'routes-warning'; readonly warning: string }
  | { readonly type: 'routes-reloaded'; readonly hash: string; readonly files: readonly string[]; readonly routes: number }
  | { readonly type: 'routes-reload-failed'; readonly error: string }
  | { readonly type: 'flags-changed'; readonly revision: string; readonly flags: readonly string[]; readonly origin: 'file' | 'server'; readonly ownWrite: boolean }
  | { readonly type: 'flags-reload-failed'; readonly error: string }
  | { readonly type: 'unleash-fetch-failed'; readonly error: string }
  | { readonly type: 'breaker-trip'; readonly transition: Extract<BreakerTransition, { kind: 'trip' }> }
  | { readonly type: 'breaker-restore'; readonly transition: Extract<BreakerTransition, { kind: 'restore' }> }
  | { readonly type: 'write-mirroring-stopped'; readonly route: string; readonly reason: string; readonly status: number }
  | { readonly type: 'comparison-worker-replaced'; readonly reason: string }
  | { readonly type: 'comparison-pool-failed'; readonly code: string }
  | { readonly type: 'request-refused'; readonly reason: string; readonly suppressed: number }
  | { readonly type: 'client-error'; readonly code: string; readonly suppressed: number }
  | { readonly type: 'tls-reloaded' }
  | { readonly type: 'tls-reload-failed'; readonly error: string }
  | { readonly type: 'store-health'; readonly status: StoreStatus; readonly code: string | null; readonly error: string | undefined }
  | { readonly type: 'retention-purge'; readonly audit: number; readonly differences: number; readonly stats: number }
  | { readonly type: 'rollout-decision'; readonly route: string; readonly action: string; readonly reason: string }
  | { readonly type: 'autopilot-failed'; readonly error: string }
  | { readonly type: 'otlp-metrics-push-failed'; readonly error: string };

export type EventType = FicusEvent['type'];
export type EventOf<T extends EventType> = Extract<FicusEvent, { type: T }>;
export type LogLevel = 'info' | 'warn' | 'error';
export type AuditRecord = Omit<AuditInput, 'at'>;

export interface EventRule<E> {
  level: LogLevel | ((event: E) => LogLevel);
  message: string | ((event: E) => string);
  /** The log line's fields besides `event` (picked by name: see the header). */
  fields(event: E): Readonly<Record<string, unknown>>;
  /** The audit entry the event appends, if it is one the audit chain keeps. */
  audit?(event: E): AuditRecord | undefined;
}

const none = () => ({});
const errorOnly = (e: { readonly error: string }) => ({ error: e.error });

export const EVENT_TABLE: { readonly [T in EventType]: EventRule<EventOf<T>> } = {
  'listening': { level: 'info', message: 'ficus listening', fields: (e) => ({ proxyUrl: e.proxyUrl, adminUrl: e.adminUrl, node: e.node, routes: e.routes, flagsRevision: e.flagsRevision, store: e.store }) },
  'draining': { level: 'info', message: 'draining: no new connections', fields: (e) => ({ inFlight: e.inFlight }) },
  'drain-deadline': { level: 'warn', message: 'drain deadline reached; closing remaining connections', fields: (e) => ({ inFlight: e.inFlight }) },
  'routes-warning': { level: 'warn', message: (e) => e.warning, fields: none },
  'routes-reloaded': {
    level: 'info', message: 'routes reloaded', fields: (e) => ({ hash: e.hash, routes: e.routes }),
    audit: (e) => ({ actor: 'ficus', action: 'config-reload', details: { hash: e.hash, files: [...e.files], routes: e.routes }, source: 'routes/' }),
  },
  'routes-reload-failed': { level: 'error', message: 'route files invalid; keeping the last good routes', fields: errorOnly },
  'flags-changed': {
    level: 'info', message: 'flags reloaded', fields: (e) => ({ revision: e.revision, flags: [...e.flags] }),
    // Writes through the admin API are audited in full there, not again as observed.
    audit: (e) => (e.ownWrite ? undefined : { actor: 'ficus', action: 'flag-change-observed', details: { revision: e.revision, flags: [...e.flags], origin: e.origin }, source: e.origin === 'file' ? 'flags/' : 'unleash' }),
  },
  'flags-reload-failed': { level: 'error', message: 'flag files invalid; keeping the last good flags', fields: errorOnly },
  'unleash-fetch-failed': { level: 'error', message: 'Unleash unreachable or refusing; serving the last known flags', fields: errorOnly },
  'breaker-trip': {
    level: 'warn', message: 'breaker open: route served by legacy', fields: (e) => ({ route: e.transition.route, ...tripNumbers(e.transition) }),
    audit: (e) => ({ actor: 'ficus', action: 'breaker-trip', route: e.transition.route, details: tripNumbers(e.transition), source: 'proxy' }),
  },
  'breaker-restore': {
    level: 'info', message: 'breaker closed: route back on the new service', fields: (e) => ({ route: e.transition.route, ...restoreNumbers(e.transition) }),
    audit: (e) => ({ actor: 'ficus', action: 'breaker-restore', route: e.transition.route, details: restoreNumbers(e.transition), source: 'proxy' }),
  },
  'write-mirroring-stopped': {
    level: 'warn', message: 'write mirroring stopped: the new service did not acknowledge the dry-run contract', fields: (e) => ({ route: e.route }),
    audit: (e) => ({ actor: 'ficus', action: 'write-mirroring-stopped', route: e.route, details: { reason: e.reason, status: e.status }, source: 'proxy' }),
  },
  'comparison-worker-replaced': { level: 'warn', message: 'comparison worker replaced', fields: (e) => ({ reason: e.reason }) },
  'comparison-pool-failed': { level: 'warn', message: 'comparison workers cannot start; large pairs are counted uncomparable', fields: (e) => ({ code: e.code }) },
  'request-refused': { level: 'warn', message: 'request refused by the proxy', fields: (e) => ({ reason: e.reason, suppressed: e.suppressed }) },
  'client-error': { level: 'warn', message: 'malformed request refused', fields: (e) => ({ code: e.code, suppressed: e.suppressed }) },
  'tls-reloaded': { level: 'info', message: 'TLS certificate reloaded', fields: none },
  'tls-reload-failed': { level: 'error', message: 'TLS certificate or key unusable; keeping the last good pair', fields: errorOnly },
  'store-health': {
    level: (e) => (e.status === 'ok' ? 'info' : 'error'),
    message: (e) => (e.status === 'ok' ? 'store healthy again'
      : e.status === 'lost' ? 'store LOST (deleted or replaced): audit appends are refused until it is restored or adopted; the proxy keeps serving'
        : 'store unavailable: the proxy keeps serving; evidence waits in bounded buffers'),
    fields: (e) => (e.status === 'ok' ? { status: e.status } : { status: e.status, code: e.code, error: e.error }),
  },
  'retention-purge': { level: 'info', message: 'expired audit entries, differences and statistics purged', fields: (e) => ({ audit: e.audit, differences: e.differences, stats: e.stats }) },
  'rollout-decision': { level: 'info', message: 'autopilot decision', fields: (e) => ({ route: e.route, action: e.action, reason: e.reason }) },
  'autopilot-failed': { level: 'error', message: 'autopilot tick failed; holding', fields: errorOnly },
  'otlp-metrics-push-failed': { level: 'warn', message: 'OTLP metrics push failed; the next push carries the totals', fields: errorOnly },
};

function tripNumbers(t: EventOf<'breaker-trip'>['transition']) {
  return { from: t.from, to: t.to, cause: t.cause, requests: t.requests, errors: t.errors, rate: t.rate, windowMs: t.windowMs, errorRate: t.errorRate, minRequests: t.minRequests, consecutiveFailures: t.consecutiveFailures, openMs: t.openMs };
}

function restoreNumbers(t: EventOf<'breaker-restore'>['transition']) {
  return { from: t.from, to: t.to, probes: t.probes, probesToClose: t.probesToClose, openForMs: t.openForMs };
}

export interface RenderedEvent {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly audit: AuditRecord | undefined;
}

/** What the table makes of one event (pure: the sink writes it, the tests read it). */
export function renderEvent<T extends EventType>(event: EventOf<T>): RenderedEvent {
  const rule = EVENT_TABLE[event.type as T] as EventRule<EventOf<T>>;
  return {
    level: typeof rule.level === 'function' ? rule.level(event) : rule.level,
    message: typeof rule.message === 'function' ? rule.message(event) : rule.message,
    fields: { event: event.type, ...rule.fields(event) },
    audit: rule.audit?.(event),
  };
}

export type EmitEvent = (event: FicusEvent) => void;

/** Writes each event as the table says: one log line, and its audit entry when it has one. */
export function createEventSink(deps: { readonly log: Logger; audit(record: AuditRecord): void }): EmitEvent {
  return function emit(event) {
    const rendered = renderEvent(event);
    deps.log[rendered.level](rendered.fields, rendered.message);
    if (rendered.audit) deps.audit(rendered.audit);
  };
}
