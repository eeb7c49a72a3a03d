// proxy_added_latency: what Ficus adds to time-to-first-byte, per request —
//   k6's `waiting` (request sent → first response byte) minus Ficus's own `upstream;dur`
//   (Ficus → upstream response headers). Tagged by route name and mode, never by URL.
import { check } from 'k6';
import type { RefinedResponse, ResponseType } from 'k6/http';
import { Trend } from 'k6/metrics';
import { parseServerTiming } from './server-timing.ts';

export const proxyAddedLatency = new Trend('proxy_added_latency', true);

/**
 * Records the added latency of one proxied response and checks the Server-Timing contract.
 * `route` is the route's NAME (e.g. 'GET /fhir/Patient/:id'): a tag must never carry ids or queries.
 */
export function recordAddedLatency(res: RefinedResponse<ResponseType>, route: string): void {
  const timing = parseServerTiming(res.headers['Server-Timing']);
  const carriesTiming = timing.upstreamMs !== undefined;
  check(res, { 'response carries Server-Timing upstream;dur': () => carriesTiming }, { name: route });
  if (timing.upstreamMs === undefined) return;
  // Not clamped at 0: a negative value means the two clocks disagree, and hiding that would hide a bug.
  proxyAddedLatency.add(res.timings.waiting - timing.upstreamMs, { name: route, mode: timing.mode });
}
