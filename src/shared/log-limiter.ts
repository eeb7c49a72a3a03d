// At most one log line per key per interval, saying how many were held back since the last one.
// A store outage fails a flush every second and every admin request; 300 connections sending
// malformed requests once wrote 901 lines. The operator needs one line that says "it is happening"
// and how many were not written since the last line, not thousands that bury everything else (the
// exact counts are in /metrics). One limiter for every room, so the wording and the bound agree.

export interface LogLimiter {
  /** Calls write with the count held back since the last line of this key, or holds this one back. */
  attempt(key: string, write: (suppressed: number) => void): void;
}

/** Keys are closed enums (refusal reasons, store codes, parser codes): the map stays small; capped anyway. */
const MAX_KEYS = 256;

export function createLogLimiter(deps: { nowMs: () => number; everyMs?: number; maxKeys?: number }): LogLimiter {
  const everyMs = deps.everyMs ?? 60_000;
  const maxKeys = deps.maxKeys ?? MAX_KEYS;
  const last = new Map<string, { atMs: number; suppressed: number }>();
  return {
    attempt(key, write) {
      const nowMs = deps.nowMs();
      const seen = last.get(key);
      if (seen && nowMs - seen.atMs < everyMs) {
        seen.suppressed += 1;
        return;
      }
      const suppressed = seen?.suppressed ?? 0;
      if (seen) {
        seen.atMs = nowMs;
        seen.suppressed = 0;
      } else if (last.size < maxKeys) last.set(key, { atMs: nowMs, suppressed: 0 });
      // Past maxKeys an unknown key is written every time rather than remembered: a bug that
      // invents keys shows in the log instead of growing this map.
      write(suppressed);
    },
  };
}
