// Options every scenario shares: which tags exist, which trend stats are kept, and the thresholds.

/**
 * k6's system tags minus `url`: the raw URL carries patient ids and query strings, and a tag must
 * never carry either. Requests are named instead (`tags: { name: 'GET /fhir/Patient/:id' }`).
 */
export const SYSTEM_TAGS = ['proto', 'status', 'method', 'name', 'group', 'check', 'error', 'error_code', 'scenario', 'expected_response'];

export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max', 'count'];

/** The modes Ficus reports in `Server-Timing: ficus;desc=<mode>`. */
export const MODES = ['legacy', 'shadow', 'canary', 'new'];

/**
 * A threshold that always holds. k6 only puts a tagged sub-metric (e.g. one route's latency) into
 * the end-of-test summary when some threshold names it; this one makes it visible without gating.
 */
const VISIBLE_ONLY = ['max>=0'];

/** Per-route and per-mode latency rows for the summary (visible, not gating). */
function latencyBreakdown(routeNames: readonly string[]): Record<string, string[]> {
  const rows: Record<string, string[]> = {};
  for (const name of routeNames) rows[`proxy_added_latency{name:${name}}`] = VISIBLE_ONLY;
  for (const mode of MODES) rows[`proxy_added_latency{mode:${mode}}`] = VISIBLE_ONLY;
  return rows;
}

/** `npm run load`: what Ficus promises under clinical load. */
export function loadThresholds(routeNames: readonly string[]): Record<string, string[]> {
  return {
    ...latencyBreakdown(routeNames),
    proxy_added_latency: ['p(95)<2', 'p(99)<5'],
    http_req_failed: ['rate<0.001'],
    // A dropped iteration is load the test meant to send and did not: the result would flatter Ficus.
    dropped_iterations: ['count==0'],
  };
}

/** CI smoke: fails only on errors and failed checks, never on latency (CI machines are noisy). */
export function smokeThresholds(routeNames: readonly string[]): Record<string, string[]> {
  return {
    ...latencyBreakdown(routeNames),
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
  };
}
