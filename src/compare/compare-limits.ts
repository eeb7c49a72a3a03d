// Bounds of one comparison. A shadowed response is untrusted input: 30 KB of gzip decoded to a
// 31 MB JSON array, 256 KB of brotli to a million keys, and comparing either on the event loop
// stalled every clinician's request for seconds to minutes. Each body is checked against these
// before it is parsed (decodeBody, checkJsonShape); the time budget is enforced from outside, by
// the worker pool that terminates an overrunning worker; differences past the cap are folded into
// one `truncated` marker. Defaults fit the default 1 MB body cap with room; routes may raise them.
import type { CompareConfig } from './compare-config-schema.ts';

export interface CompareLimits {
  /** Bytes of one body after Content-Encoding is undone (decompression stops at this many). */
  readonly decodedBytes: number;
  /** Nesting depth of one JSON body. */
  readonly depth: number;
  /** Object keys in one JSON body, all levels together. */
  readonly keys: number;
  /** Array elements in one JSON body, all levels together. */
  readonly elements: number;
  /** Differences kept per comparison; the rest become one `truncated` marker. */
  readonly differences: number;
  /** Wall-clock budget of one comparison on a worker; past it the worker is replaced. */
  readonly timeMs: number;
}

export const DEFAULT_COMPARE_LIMITS: CompareLimits = Object.freeze({
  decodedBytes: 8 * 1024 * 1024,
  depth: 64,
  keys: 200_000,
  elements: 200_000,
  differences: 500,
  timeMs: 2_000,
});

/** A route's `compare.limits` block over the defaults. */
export function resolveCompareLimits(config: CompareConfig['limits'] | undefined): CompareLimits {
  if (!config) return DEFAULT_COMPARE_LIMITS;
  return Object.freeze({ ...DEFAULT_COMPARE_LIMITS, ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) });
}
