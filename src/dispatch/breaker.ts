// Per-route circuit breaker: automatic rollback to legacy when the new service's error rate over a
// sliding window passes the route's threshold. A failing new service then costs clinicians nothing
// (not even a fallback's extra round trip): the route is served by legacy until `openMs` has passed,
// then a trickle of probes (`probeRate`) goes to new; `probesToClose` consecutive good probes restore
// it, one failed probe opens it again. Every trip and restore is reported with the numbers behind it.
//   closed ──(errors/requests ≥ errorRate, requests ≥ minRequests, in windowMs)──► open
//   closed ──(consecutiveFailures failures in a row)──► open
// The window alone needed ~15 s of total failure to trip (50% of 30 s with minRequests): 590 writes
// failed in a reset storm. A run of failures with no success between them is the sudden outage's
// signature, and it trips after a handful of requests at low traffic. At high traffic a run must
// also be one that the route's threshold rate would not explain: with n requests in the window and
// threshold rate r, a run of k failures trips only when n·r^k < 1 (fewer than one such run expected
// by chance). A service failing 20% of 1,000 req/s makes runs of five every few seconds — that
// flapped the breaker below its own threshold — but never runs of fifteen; a total outage reaches
// fifteen in 15 ms.
//   open ──(openMs elapsed)──► half-open ──(probesToClose successes)──► closed
//                                  └──(one failed probe)──► open
import type { BreakerSpec } from '../config/route-schema.ts';
import type { RouteConfig } from '../config/load-routes.ts';
import type { CompiledRoute } from '../routing/route-table.ts';

export type BreakerStateName = 'closed' | 'open' | 'half-open';

/** A trip or a restore, with the evidence that caused it (route-level numbers only). */
export type BreakerTransition =
  | {
      readonly kind: 'trip';
      readonly route: string;
      readonly from: 'closed' | 'half-open';
      readonly to: 'open';
      /** `threshold`: the window's error rate; `consecutive-failures`: failures in a row; `probe-failed`: a half-open probe failed. */
      readonly cause: 'threshold' | 'consecutive-failures' | 'probe-failed';
      readonly requests: number;
      readonly errors: number;
      readonly rate: number;
      readonly windowMs: number;
      readonly errorRate: number;
      readonly minRequests: number;
      readonly consecutiveFailures: number;
      readonly openMs: number;
    }
  | {
      readonly kind: 'restore';
      readonly route: string;
      readonly from: 'half-open';
      readonly to: 'closed';
      readonly probes: number;
      readonly probesToClose: number;
      /** How long the route was kept off the new service, in ms. */
      readonly openForMs: number;
    };

export interface BreakerDeps {
  /** The current route configs (for `states()`); per-request calls carry their own config. */
  routes(): readonly RouteConfig[];
  /** Milliseconds; injected so tests drive the window and openMs without sleeping. */
  now(): number;
  random(): number;
  onTransition(transition: BreakerTransition): void;
}

export interface Breaker {
  /** Whether this request may go to the new service (false while open; a probe sample while half-open). */
  allowNew(route: CompiledRoute): boolean;
  /** The outcome of a request the new service handled: ok = it answered below 500. */
  record(route: CompiledRoute, ok: boolean): void;
  state(route: string): BreakerStateName;
  states(): Readonly<Record<string, BreakerStateName>>;
  /**
   * Takes on a state another process decided (`--workers`: a trip or restore in one worker applies
   * in all). Silent: the process that decided reported the transition; `open` restarts `openMs`.
   */
  adopt(route: string, state: 'open' | 'closed'): void;
}

const BUCKETS = 20;

interface Bucket {
  start: number;
  requests: number;
  errors: number;
}

interface RouteBreaker {
  state: BreakerStateName;
  /** Ring of BUCKETS buckets covering windowMs: memory stays constant at any request rate. */
  buckets: Bucket[];
  openedAt: number;
  /** When the route first tripped in this episode (restore reports the whole time off new). */
  episodeStart: number;
  probes: number;
  /** Failures since the last success while closed. */
  consecutive: number;
  spec: BreakerSpec;
}

export function createBreaker(deps: BreakerDeps): Breaker {
  const routes = new Map<string, RouteBreaker>();

  const entry = (id: string, spec: BreakerSpec): RouteBreaker => {
    let b = routes.get(id);
    if (!b) {
      b = { state: 'closed', buckets: emptyBuckets(), openedAt: 0, episodeStart: 0, probes: 0, consecutive: 0, spec };
      routes.set(id, b);
    } else if (b.spec !== spec) {
      // A route reload may change the window: start counting afresh rather than mix bucket sizes.
      if (b.spec.windowMs !== spec.windowMs) b.buckets = emptyBuckets();
      b.spec = spec;
    }
    return b;
  };

  const open = (b: RouteBreaker, at: number) => {
    b.state = 'open';
    b.openedAt = at;
    b.probes = 0;
    b.consecutive = 0;
    b.buckets = emptyBuckets();
  };

  const trip = (id: string, b: RouteBreaker, at: number, cause: 'threshold' | 'consecutive-failures' | 'probe-failed', counts: { requests: number; errors: number }) => {
    const from = b.state as 'closed' | 'half-open';
    if (from === 'closed') b.episodeStart = at;
    open(b, at);
    const { windowMs, errorRate, minRequests, consecutiveFailures, openMs } = b.spec;
    deps.onTransition({
      kind: 'trip', route: id, from, to: 'open', cause, requests: counts.requests, errors: counts.errors,
      rate: counts.requests ? counts.errors / counts.requests : 0, windowMs, errorRate, minRequests, consecutiveFailures, openMs,
    });
  };

  return {
    allowNew(route) {
      const spec = route.config.breaker;
      if (!spec.enabled) return true;
      const b = entry(route.id, spec);
      if (b.state === 'closed') return true;
      const at = deps.now();
      if (b.state === 'open') {
        if (at - b.openedAt < spec.openMs) return false;
        b.state = 'half-open';
        b.probes = 0;
      }
      return deps.random() < spec.probeRate;
    },
    record(route, ok) {
      const spec = route.config.breaker;
      if (!spec.enabled) return;
      const b = entry(route.id, spec);
      const at = deps.now();
      if (b.state === 'open') return; // stragglers sent before the trip: already judged
      if (b.state === 'half-open') {
        if (!ok) return trip(route.id, b, at, 'probe-failed', { requests: b.probes + 1, errors: 1 });
        b.probes++;
        if (b.probes < spec.probesToClose) return;
        const probes = b.probes;
        b.state = 'closed';
        b.probes = 0;
        b.consecutive = 0;
        b.buckets = emptyBuckets();
        deps.onTransition({ kind: 'restore', route: route.id, from: 'half-open', to: 'closed', probes, probesToClose: spec.probesToClose, openForMs: at - b.episodeStart });
        return;
      }
      const counts = addToWindow(b.buckets, spec.windowMs, at, ok);
      b.consecutive = ok ? 0 : b.consecutive + 1;
      if (counts.requests >= spec.minRequests && counts.errors / counts.requests >= spec.errorRate) {
        trip(route.id, b, at, 'threshold', counts);
      } else if (spec.consecutiveFailures > 0 && b.consecutive >= spec.consecutiveFailures && runBeyondChance(b.consecutive, counts.requests, spec.errorRate)) {
        trip(route.id, b, at, 'consecutive-failures', counts);
      }
    },
    state(route) {
      return routes.get(route)?.state ?? 'closed';
    },
    adopt(id, state) {
      const spec = deps.routes().find((r) => r.id === id)?.breaker;
      if (!spec?.enabled) return;
      const b = entry(id, spec);
      if (state === 'open') {
        if (b.state === 'closed') b.episodeStart = deps.now();
        open(b, deps.now());
        return;
      }
      b.state = 'closed';
      b.probes = 0;
      b.consecutive = 0;
      b.buckets = emptyBuckets();
    },
    states() {
      const out: Record<string, BreakerStateName> = {};
      for (const route of deps.routes()) out[route.id] = routes.get(route.id)?.state ?? 'closed';
      return out;
    },
  };
}

/**
 * Whether `run` failures in a row are more than the threshold rate explains among `requests`: the
 * expected number of such runs at rate `errorRate`, about requests·errorRate^run, is below one.
 */
export function runBeyondChance(run: number, requests: number, errorRate: number): boolean {
  if (errorRate >= 1) return true;
  return requests * errorRate ** run < 1;
}

function emptyBuckets(): Bucket[] {
  return Array.from({ length: BUCKETS }, () => ({ start: -Infinity, requests: 0, errors: 0 }));
}

/** Adds one outcome and returns the totals of the buckets inside the window ending now. */
function addToWindow(buckets: Bucket[], windowMs: number, at: number, ok: boolean): { requests: number; errors: number } {
  const width = Math.max(1, Math.ceil(windowMs / BUCKETS));
  const start = Math.floor(at / width) * width;
  const bucket = buckets[Math.floor(at / width) % BUCKETS]!;
  if (bucket.start !== start) {
    bucket.start = start;
    bucket.requests = 0;
    bucket.errors = 0;
  }
  bucket.requests++;
  if (!ok) bucket.errors++;
  let requests = 0;
  let errors = 0;
  for (const b of buckets) {
    if (b.start > at - windowMs) {
      requests += b.requests;
      errors += b.errors;
    }
  }
  return { requests, errors };
}
