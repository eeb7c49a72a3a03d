// The contract between the request path and mirroring (mirror.ts): the plan-copies pass hands the
// mirror a served exchange, and the mirror says whether the primary response is teed for comparison.
import type { IncomingMessage } from 'node:http';
import type { Decision } from '../decision/decide.ts';
import type { CompiledRoute } from '../routing/route-table.ts';
import type { Side } from '../shared/words.ts';
import type { TeedBody } from './body-tee.ts';
import type { ExchangeTrace } from './exchange-trace.ts';
import type { HeaderEntries } from './hop-headers.ts';
import type { RelayCapture } from './relay.ts';

/** Hooks for mirroring (shadow/canary/reverse) — see mirror.ts. */
export interface MirrorHooks {
  /** Decides whether this exchange is copied; returns the capture to tee the primary response into. */
  begin(exchange: MirrorContext): RelayCapture | undefined;
}

export interface MirrorContext {
  readonly req: IncomingMessage;
  readonly route: CompiledRoute;
  readonly decision: Decision;
  readonly servedBy: Side;
  readonly headers: HeaderEntries;
  /** Starts (once) keeping a copy of the request body up to the route's cap; call synchronously in begin(). */
  teeBody(): Promise<TeedBody>;
  readonly startedAt: number;
  readonly trace: ExchangeTrace | undefined;
}
