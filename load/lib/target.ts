// Where the load goes, from the environment k6 was started with (`-e NAME=value` or the process env).
// scripts/load.sh sets these for a demo proxy it starts itself.

/** Base URL of the Ficus proxy (no trailing slash). */
export const PROXY_URL = stripSlash(__ENV.FICUS_URL || 'http://127.0.0.1:8080');

/** Base URL of the Ficus admin API; only the surge scenario needs it (kill switch). */
export const ADMIN_URL = stripSlash(__ENV.FICUS_ADMIN_URL || 'http://127.0.0.1:8081');

/** Operator token for the admin API; deliberately no default, so a run never guesses a credential. */
export const ADMIN_TOKEN = __ENV.FICUS_ADMIN_TOKEN || '';

/** Requests per second of an ordinary daytime hour; every schedule scales from it. */
export const BASE_RPS = positiveNumber('BASE_RPS', 20);

/** Where handleSummary writes; relative to the directory k6 runs in. */
export const RESULTS_DIR = stripSlash(__ENV.K6_RESULTS_DIR || 'load/results');

export function positiveNumber(name: string, fallback: number): number {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function stripSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
