// One structured line per request, PHI-safe by construction: route template and id, never the
// raw path; no query string, no headers, no bodies. Unmatched (pass-through) requests are named by
// method only.
import type { ExchangeSummary } from '../dispatch/exchange-summary.ts';

export interface AccessLogEntry {
  readonly event: 'request';
  readonly requestId?: string;
  readonly method: string;
  readonly route: string | null;
  readonly template: string | null;
  readonly mode: string;
  readonly variant?: string;
  readonly servedBy: string;
  readonly status: number;
  readonly upstreamMs: number;
  readonly totalMs: number;
  readonly fallback?: string;
  readonly failure?: string;
  readonly complete: boolean;
}

export function accessLogEntry(summary: ExchangeSummary): AccessLogEntry {
  return {
    event: 'request',
    requestId: summary.requestId,
    method: summary.method,
    route: summary.route?.id ?? null,
    template: summary.route?.template ?? null,
    mode: summary.decision?.mode ?? 'legacy',
    variant: summary.decision?.variant,
    servedBy: summary.servedBy,
    status: summary.status,
    upstreamMs: Math.round(summary.upstreamMs * 1000) / 1000,
    totalMs: Math.round(summary.totalMs * 1000) / 1000,
    fallback: summary.fallback,
    failure: summary.failure,
    complete: summary.complete,
  };
}
