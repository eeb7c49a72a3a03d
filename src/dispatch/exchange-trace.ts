// The request path's view of tracing: a small interface the hot path calls at fixed points, so
// telemetry (src/telemetry/) can implement it with OpenTelemetry — and the proxy pays nothing for
// it when tracing is off (the hook is undefined). Implementations must never throw and must only
// record route-level facts: route id and template, mode, flag, variant, revision, side, reasons.
import type { IncomingMessage } from 'node:http';
import type { Decision } from '../decision/decide.ts';
import type { CompiledRoute } from '../routing/route-table.ts';
import type { CopyKind, FallbackReason, Side } from '../shared/words.ts';

export interface ExchangeTracer {
  /** Called once per request, before dispatch. Reads `traceparent` from the request to continue a trace. */
  start(req: IncomingMessage, route: CompiledRoute | undefined, decision: Decision | undefined): ExchangeTrace;
}

export interface ExchangeTrace {
  readonly traceId: string;
  /** A client span for one upstream call; its `traceparent` goes to that upstream. */
  attempt(side: Side, upstreamName: string): UpstreamSpan;
  /** A separate span linked to this request's span, for a copy that may outlive the response. */
  copy(kind: CopyKind, side: Side, upstreamName: string): UpstreamSpan;
  fallback(reason: FallbackReason): void;
  /** Ends the server span when the response is finished (or failed). */
  end(status: number, servedBy: Side, complete: boolean, failure?: string): void;
}

export interface UpstreamSpan {
  readonly traceparent: string;
  /** Status code, or the failure code when no response arrived. */
  end(outcome: number | string, attributes?: Readonly<Record<string, string | number | boolean>>): void;
}
