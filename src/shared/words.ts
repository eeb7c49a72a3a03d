// The words every stage shares: dispatch produces them, decision decides in them, compare and the
// store count by them, telemetry labels with them. This module imports nothing of Ficus, so any
// stage may import it without pulling another stage (or an import circle) along.

/** A route's mode: which side serves, and what is copied (see DESIGN.md, Modes). */
export type Mode = 'legacy' | 'shadow' | 'canary' | 'new';

/** The two upstreams of a route: the monolith and the service replacing it. */
export type Side = 'legacy' | 'new';

/** Status class of an upstream outcome; 'timeout' and 'error' when there was no response. */
export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'timeout' | 'error';

/** Why a request served by the new side was answered by legacy instead. */
export type FallbackReason = 'connect-refused' | 'timeout' | 'status-5xx' | 'breaker-open' | 'error';

/** The copies Ficus makes, as sent in `Ficus-Shadow: <kind>` so upstreams can tell them from user traffic. */
export type CopyKind = 'shadow' | 'dry-run' | 'reverse' | 'noise';

export function statusClassOf(status: number): StatusClass {
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  if (status >= 300) return '3xx';
  if (status >= 200) return '2xx';
  return '1xx';
}

/** Methods safe to copy or replay without a route's say-so (RFC 9110 §9.2.1 counts TRACE too; Ficus never copies it). */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Safe to copy and to replay: a safe method, or a route that declares itself safe (e.g. FHIR
 * `_search` by POST). Takes the route by shape so this leaf needs no routing import.
 */
export function isSafeRequest(method: string, route: { readonly config: { readonly safe?: boolean } } | undefined): boolean {
  return SAFE_METHODS.has(method) || route?.config.safe === true;
}
