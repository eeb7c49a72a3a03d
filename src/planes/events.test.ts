// The event table: every event has a line, and no line or audit entry carries request data.
import { describe, expect, it } from 'vitest';
import { EVENT_TABLE, renderEvent, type EventOf, type EventType, type FicusEvent } from './events.ts';

// One sample per event; the mapped type makes a new event without a sample a compile error.
const SAMPLES: { readonly [T in EventType]: EventOf<T> } = {
  'listening': { type: 'listening', node: 'v24.0.0', proxyUrl: 'http://127.0.0.1:8080', adminUrl: 'http://127.0.0.1:8081', routes: 3, flagsRevision: 'abc123', store: 'sqlite' },
  'draining': { type: 'draining', inFlight: 2 },
  'drain-deadline': { type: 'drain-deadline', inFlight: 1 },
  'routes-warning': { type: 'routes-warning', warning: 'no route files (*.yaml) in routes: every request passes through to legacy untouched' },
  'routes-reloaded': { type: 'routes-reloaded', hash: 'f00d', files: ['routes.yaml'], routes: 2 },
  'routes-reload-failed': { type: 'routes-reload-failed', error: 'routes/routes.yaml:3: match.path: required' },
  'flags-changed': { type: 'flags-changed', revision: 'r2', flags: ['ficus.items'], origin: 'file', ownWrite: false },
  'flags-reload-failed': { type: 'flags-reload-failed', error: 'flags/features.json: invalid JSON' },
  'unleash-fetch-failed': { type: 'unleash-fetch-failed', error: 'ECONNREFUSED' },
  'breaker-trip': { type: 'breaker-trip', transition: { kind: 'trip', route: 'items', from: 'closed', to: 'open', cause: 'threshold', requests: 40, errors: 20, rate: 0.5, windowMs: 10_000, errorRate: 0.25, minRequests: 20, consecutiveFailures: 3, openMs: 30_000 } },
  'breaker-restore': { type: 'breaker-restore', transition: { kind: 'restore', route: 'items', from: 'half-open', to: 'closed', probes: 5, probesToClose: 5, openForMs: 31_000 } },
  'write-mirroring-stopped': { type: 'write-mirroring-stopped', route: 'orders', reason: 'copy answered without Ficus-Shadow-Ack: dry-run', status: 201 },
  'comparison-worker-replaced': { type: 'comparison-worker-replaced', reason: 'time-budget' },
  'comparison-pool-failed': { type: 'comparison-pool-failed', code: 'ERR_WORKER_INIT_FAILED' },
  'request-refused': { type: 'request-refused', reason: 'absolute-form', suppressed: 0 },
  'client-error': { type: 'client-error', code: 'HPE_INVALID_METHOD', suppressed: 4 },
  'tls-reloaded': { type: 'tls-reloaded' },
  'tls-reload-failed': { type: 'tls-reload-failed', error: 'key values mismatch' },
  'store-health': { type: 'store-health', status: 'unreachable', code: 'STORE_UNREACHABLE', error: 'connect ECONNREFUSED' },
  'retention-purge': { type: 'retention-purge', audit: 0, differences: 12, stats: 40 },
  'rollout-decision': { type: 'rollout-decision', route: 'items', action: 'advance', reason: 'gates passed' },
  'autopilot-failed': { type: 'autopilot-failed', error: 'lease lost' },
  'otlp-metrics-push-failed': { type: 'otlp-metrics-push-failed', error: 'OTLP metrics endpoint answered 503' },
};

// What a careless subsystem might attach to an event: a request's path, query, headers and a patient.
const CANARY = 'Doe^Jane-MRN-4471-19620314';
const REQUEST_DATA = { path: `/fhir/Patient/${CANARY}`, query: `name=${CANARY}`, rawTarget: `/chart?mrn=${CANARY}`, headers: { 'x-patient': CANARY, cookie: `sid=${CANARY}` }, patient: CANARY };

function withRequestData(event: FicusEvent): FicusEvent {
  const tainted: Record<string, unknown> = { ...event, ...REQUEST_DATA };
  // Nested values too: a transition or any object an event carries.
  for (const [key, value] of Object.entries(event)) if (value && typeof value === 'object' && !Array.isArray(value)) tainted[key] = { ...value, ...REQUEST_DATA };
  return tainted as unknown as FicusEvent;
}

const REQUEST_KEYS = /^(path|rawPath|query|rawTarget|url|target|headers?|cookie|body|patient|mrn|dob|name)$/i;

function keysOf(value: unknown): string[] {
  if (!value || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap(keysOf);
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
}

describe('the event table', () => {
  it('has a log line for every event, and a sample for every entry', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(EVENT_TABLE).sort());
    for (const sample of Object.values(SAMPLES)) {
      const rendered = renderEvent(sample);
      expect(rendered.fields['event'], sample.type).toBe(sample.type);
      expect(['info', 'warn', 'error']).toContain(rendered.level);
      expect(rendered.message.length, sample.type).toBeGreaterThan(0);
    }
  });

  it('never puts request data (path, query, header values, a patient) into a log line or an audit entry, even when an event carries it', () => {
    for (const sample of Object.values(SAMPLES)) {
      const rendered = renderEvent(withRequestData(sample));
      const written = JSON.stringify([rendered.message, rendered.fields, rendered.audit ?? null]);
      expect(written, sample.type).not.toContain(CANARY);
      expect(keysOf([rendered.fields, rendered.audit]).filter((key) => REQUEST_KEYS.test(key)), sample.type).toEqual([]);
    }
  });

  it('audits what the audit chain keeps: reloads, observed flag changes, breaker transitions, write mirroring stopped', () => {
    const audited = Object.values(SAMPLES).filter((sample) => renderEvent(sample).audit).map((sample) => renderEvent(sample).audit!.action);
    expect(audited.sort()).toEqual(['breaker-restore', 'breaker-trip', 'config-reload', 'flag-change-observed', 'write-mirroring-stopped']);
    // A change this instance wrote is audited by the write itself, not again when observed.
    expect(renderEvent({ ...SAMPLES['flags-changed'], ownWrite: true }).audit).toBeUndefined();
  });

  it('logs a store outage as an error with its code, and the recovery as info without one', () => {
    expect(renderEvent(SAMPLES['store-health'])).toMatchObject({ level: 'error', fields: { status: 'unreachable', code: 'STORE_UNREACHABLE' } });
    const ok = renderEvent({ type: 'store-health', status: 'ok', code: null, error: undefined });
    expect(ok).toMatchObject({ level: 'info', message: 'store healthy again' });
    expect(ok.fields).toEqual({ event: 'store-health', status: 'ok' });
  });
});
