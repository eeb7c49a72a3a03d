// What the admin API answers when a handler throws. A store outage is expected weather, not a bug:
// 503 with a short JSON body naming the code (never a stack trace, never the store's host or path),
// and one log line per kind of failure per minute however many requests fail. Anything else is
// 500 with an equally short body; the detail goes to the log, rate-limited the same way.
import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describeStoreFailure, STORE_FAILURE_SUMMARY } from '../store/describe-store-failure.ts';
import type { LogLimiter } from '../shared/log-limiter.ts';

export interface AdminErrorHandlerDeps {
  /** Store failures also feed the store's health (store-health.ts). */
  readonly reportStoreFailure: (error: unknown) => void;
  readonly log: (entry: { event: string; code: string; error: string; suppressed: number; path: string }, message: string) => void;
  readonly limiter: LogLimiter;
}

/** Seconds a client should wait before retrying during a store outage. */
const RETRY_AFTER_SECONDS = 5;

export function createAdminErrorHandler(deps: AdminErrorHandlerDeps): ErrorHandler {
  return function answerAdminError(error, c) {
    if (error instanceof HTTPException) return error.getResponse();
    const path = c.req.path;
    const failure = describeStoreFailure(error);
    if (failure) {
      deps.reportStoreFailure(error);
      deps.limiter.attempt(`admin:${failure.code}`, (suppressed) =>
        deps.log({ event: 'admin-store-unavailable', code: failure.code, error: failure.message, suppressed, path }, 'admin API answered 503: the store is unavailable (the proxy keeps serving)'));
      c.header('retry-after', String(RETRY_AFTER_SECONDS));
      return c.json({ error: 'store_unavailable', code: failure.code, message: `${STORE_FAILURE_SUMMARY[failure.code] ?? 'the store failed'}; the proxy keeps serving, retry later` }, 503);
    }
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    deps.limiter.attempt('admin:internal', (suppressed) =>
      deps.log({ event: 'admin-internal-error', code: 'internal', error: detail, suppressed, path }, 'admin API answered 500'));
    return c.json({ error: 'internal', message: 'internal error; the Ficus log has the detail' }, 500);
  };
}
