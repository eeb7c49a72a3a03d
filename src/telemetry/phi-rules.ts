/**
 * PHI rules for telemetry — what Ficus may put in spans, metrics and access-log lines.
 *
 * Ficus stands in front of clinical software: paths carry patient ids (`/Patient/MRN-…`), queries
 * carry names and dates of birth, headers carry sessions. Telemetry leaves the process (collectors,
 * vendors, log shippers), so it is PHI-safe by construction, not by scrubbing:
 *
 *  1. Names: a span is named by method and route TEMPLATE (`GET /fhir/Patient/:id`), never the raw
 *     path. An unmatched (pass-through) request is named by its method only (`GET`).
 *  2. `http.route` is the template from routes/ (config, not traffic). No `url.full`, `url.path`,
 *     `url.query`, `http.target`, `user_agent.original`, `client.address` — ever.
 *  3. No query strings (not even keys), no bodies, no header values. Authorization, Cookie,
 *     Set-Cookie and Referer never reach telemetry because no header does.
 *  4. Inbound `baggage` is dropped from forwarded headers (dispatch) and no baggage propagator is
 *     installed: only `traceparent` is read (W3C trace context), so client baggage cannot reach
 *     span attributes or upstreams through us.
 *  5. Errors are recorded as failure CODES (`UPSTREAM_TIMEOUT`), never exception messages (which
 *     can quote URLs or payloads): `safeCode` turns anything else into `error`.
 *  6. Every span attribute passes `safeAttributes` — an allowlist of keys with value checks;
 *     unknown keys are dropped, string values must be short tokens. Adding a key here is a review
 *     decision: it must be route-level (config) or an outcome (status, code, verdict, reason).
 *  7. Metric labels are route id, side, mode, status class, reason, verdict, breaker state — all
 *     from config or closed enums. Access log lines follow rules 1–5 (access-log.ts).
 *  8. The sticky key (patient id) is hashed before the flag context and never reaches telemetry.
 */
type AttributeValue = string | number | boolean;

/** Allowed span attribute keys. Values: finite numbers, booleans, or strings matching TOKEN. */
export const SPAN_ATTRIBUTE_ALLOWLIST: ReadonlySet<string> = new Set([
  'http.request.method',
  'http.route',
  'http.response.status_code',
  'error.type',
  'ficus.route',
  'ficus.mode',
  'ficus.flag',
  'ficus.variant',
  'ficus.flag_revision',
  'ficus.decision_reason',
  'ficus.side',
  'ficus.upstream',
  'ficus.served_by',
  'ficus.fallback_reason',
  'ficus.complete',
  'ficus.copy_kind',
  'ficus.skip_reason',
  'ficus.comparison.verdict',
  'ficus.comparison.differences',
]);

/** Short config-like tokens: route ids, templates, flag names, variants, codes, enum values. */
const TOKEN = /^[A-Za-z0-9_.:/*{}-]{1,200}$/;
const CODE = /^[A-Za-z0-9_.-]{1,64}$/;

const KNOWN_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

export function isSafeAttribute(key: string, value: unknown): value is AttributeValue {
  if (!SPAN_ATTRIBUTE_ALLOWLIST.has(key)) return false;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'boolean') return true;
  return typeof value === 'string' && TOKEN.test(value);
}

/** Copies only the allowed, well-formed attributes. */
export function safeAttributes(attributes: Readonly<Record<string, unknown>> | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  if (!attributes) return out;
  for (const key in attributes) {
    const value = attributes[key];
    if (isSafeAttribute(key, value)) out[key] = value;
  }
  return out;
}

/** A failure code, or `error` when the text is not a plain code (e.g. an exception message). */
export function safeCode(value: string | undefined): string {
  return value !== undefined && CODE.test(value) ? value : 'error';
}

/** Semantic-conventions method: the known ones as-is, anything else `_OTHER` (it is client-chosen text). */
export function safeMethod(method: string | undefined): string {
  return method !== undefined && KNOWN_METHODS.has(method) ? method : '_OTHER';
}

/** Span name: `METHOD template` for a matched route, `METHOD` alone for pass-through. */
export function spanName(method: string, template: string | undefined): string {
  return template === undefined ? method : `${method} ${template}`;
}
