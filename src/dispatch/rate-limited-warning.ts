// One warning line per kind per interval, however many times it happens: 300 connections sending
// malformed requests once wrote 901 lines, burying everything else in the log (and costing the
// event loop a write each). The counts are exact in /metrics; the log says "it is happening" and how
// many were not written since the last line.

export interface RateLimitedWarningDeps {
  /** Milliseconds; injected so tests step the clock. */
  now(): number;
  /** At most one line per kind per interval (default 60 s, FICUS_WARN_INTERVAL_MS). */
  readonly intervalMs: number;
  /** Writes the line; `suppressed` is how many of this kind were not logged since the last line. */
  write(kind: string, suppressed: number): void;
}

/** Kinds are closed enums (refusal reasons, parser codes): the map stays small; capped anyway. */
const MAX_KINDS = 256;

export function createRateLimitedWarning(deps: RateLimitedWarningDeps): (kind: string) => void {
  const kinds = new Map<string, { lastAt: number; suppressed: number }>();
  return function warn(kind) {
    const at = deps.now();
    const entry = kinds.get(kind);
    if (entry && at - entry.lastAt < deps.intervalMs) {
      entry.suppressed++;
      return;
    }
    const suppressed = entry?.suppressed ?? 0;
    if (entry) {
      entry.lastAt = at;
      entry.suppressed = 0;
    } else if (kinds.size < MAX_KINDS) kinds.set(kind, { lastAt: at, suppressed: 0 });
    deps.write(kind, suppressed);
  };
}
