// Edge warnings (refused requests, parser errors) through the shared log limiter: one line per kind
// per interval (default 60 s, FICUS_WARN_INTERVAL_MS), with how many were held back.
import { createLogLimiter } from '../shared/log-limiter.ts';

export interface RateLimitedWarningDeps {
  /** Milliseconds; injected so tests step the clock. */
  now(): number;
  readonly intervalMs: number;
  /** Writes the line; `suppressed` is how many of this kind were not logged since the last line. */
  write(kind: string, suppressed: number): void;
}

export function createRateLimitedWarning(deps: RateLimitedWarningDeps): (kind: string) => void {
  const limiter = createLogLimiter({ nowMs: deps.now, everyMs: deps.intervalMs });
  return (kind) => limiter.attempt(kind, (suppressed) => deps.write(kind, suppressed));
}
