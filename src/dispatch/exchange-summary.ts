// What the access log, the proxy metrics and the trace learn about a finished exchange.
import type { Decision } from '../decision/decide.ts';
import type { CompiledRoute } from '../routing/route-table.ts';
import type { FallbackReason, Side } from '../shared/words.ts';

/** No path, no query, no values: nothing here may carry PHI. */
export interface ExchangeSummary {
  readonly requestId: string | undefined;
  readonly method: string;
  readonly route: CompiledRoute | undefined;
  readonly decision: Decision | undefined;
  readonly servedBy: Side;
  readonly status: number;
  readonly upstreamMs: number;
  readonly totalMs: number;
  readonly fallback?: FallbackReason;
  readonly failure?: string;
  readonly complete: boolean;
}
