// Failed-credential limits for the admin port: after `maxFailures` wrong tokens from one client
// within `windowMs`, that client is locked out for `lockoutMs` — every attempt refused (429) without
// looking at the token, a right one included, or the lockout would still let it test guesses.
// Keyed by the socket's address (never a forwarding header a client could write); IPv6 by its /64,
// which one machine usually owns whole. Bounded: past `maxClients` the oldest entries are dropped.
import { isIPv6 } from 'node:net';

export interface AttemptLimits {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly lockoutMs: number;
  readonly maxClients?: number;
}

export const DEFAULT_ATTEMPT_LIMITS: AttemptLimits = { maxFailures: 10, windowMs: 10 * 60_000, lockoutMs: 15 * 60_000, maxClients: 10_000 };

export interface AttemptLimiter {
  /** Milliseconds until this client may try again; 0 when it may try now. */
  lockedFor(client: string): number;
  /** Records a failed attempt; true when this failure started a lockout. */
  fail(client: string): boolean;
}

interface Entry {
  failures: number;
  windowStart: number;
  lockedUntil: number;
}

export function createAttemptLimiter(deps: { now: () => number; limits?: AttemptLimits }): AttemptLimiter {
  const limits = deps.limits ?? DEFAULT_ATTEMPT_LIMITS;
  const maxClients = limits.maxClients ?? DEFAULT_ATTEMPT_LIMITS.maxClients!;
  const entries = new Map<string, Entry>();
  return {
    lockedFor(client) {
      const entry = entries.get(clientKey(client));
      return entry ? Math.max(0, entry.lockedUntil - deps.now()) : 0;
    },
    fail(client) {
      const key = clientKey(client);
      const now = deps.now();
      let entry = entries.get(key);
      if (!entry) {
        if (entries.size >= maxClients) entries.delete(entries.keys().next().value!);
        entry = { failures: 0, windowStart: now, lockedUntil: 0 };
        entries.set(key, entry);
      }
      if (now - entry.windowStart > limits.windowMs) {
        entry.failures = 0;
        entry.windowStart = now;
      }
      entry.failures++;
      if (entry.failures < limits.maxFailures) return false;
      entry.failures = 0;
      entry.windowStart = now;
      entry.lockedUntil = now + limits.lockoutMs;
      return true;
    },
  };
}

/** IPv4 as is (also when IPv4-mapped), IPv6 reduced to its /64 network. */
export function clientKey(address: string): string {
  const mapped = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
  if (!isIPv6(mapped)) return mapped;
  const [head = '', tail] = mapped.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
