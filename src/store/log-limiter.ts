// At most one log line per key per interval, saying how many were held back since the last one:
// a store outage fails a flush every second and every admin request, and the operator needs one
// line that says so, not thousands that bury everything else.
export interface LogLimiter {
  /** Calls write with the count held back since the last line, or holds this one back. */
  attempt(key: string, write: (suppressed: number) => void): void;
}

export function createLogLimiter(deps: { nowMs: () => number; everyMs?: number }): LogLimiter {
  const everyMs = deps.everyMs ?? 60_000;
  const last = new Map<string, { atMs: number; suppressed: number }>();
  return {
    attempt(key, write) {
      const nowMs = deps.nowMs();
      const seen = last.get(key);
      if (seen && nowMs - seen.atMs < everyMs) {
        seen.suppressed += 1;
        return;
      }
      last.set(key, { atMs: nowMs, suppressed: 0 });
      write(seen?.suppressed ?? 0);
    },
  };
}
