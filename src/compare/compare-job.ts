// A pair for the compare pipeline to judge. It lives in compare/ (not dispatch/, which makes the
// pairs) so compare never imports upward from the request path.
import type { CompiledRoute } from '../routing/route-table.ts';
import type { CapturedResponse, DifferenceSource } from './types.ts';

/** One pair to compare: control is always legacy's answer, candidate new's (or legacy's again for noise). */
export interface CompareJob {
  readonly route: CompiledRoute;
  readonly source: DifferenceSource;
  readonly control: CapturedResponse;
  readonly candidate: CapturedResponse;
  readonly traceId?: string;
  /** The copy's span: ended with the comparison verdict once the pair has been compared. */
  readonly span?: VerdictSpan;
}

/** The part of a copy's trace span the pipeline uses (dispatch's UpstreamSpan has this shape). */
export interface VerdictSpan {
  end(outcome: number | string, attributes?: Readonly<Record<string, string | number | boolean>>): void;
}
