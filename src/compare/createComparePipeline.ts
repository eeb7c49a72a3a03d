// Where a mirrored pair goes once both answers are in: the bounded compare queue, then the
// evidence (a 'compared' observation), the copy's span (its verdict) and the PHI-safe difference
// records. Noise pairs (legacy asked twice) only teach ignore rules: they are no evidence about the
// new service, so they are recorded as differences with source 'noise' and not counted.
import type { CompareJob } from '../dispatch/mirror.ts';
import type { CompareRules } from './compileCompareRules.ts';
import { compareResponses } from './compareResponses.ts';
import { createCompareQueue, type CompareQueue } from './createCompareQueue.ts';
import { signaturesOf } from './difference-signature.ts';
import type { ExchangeObservation, StatusClass } from './evidence.ts';
import { serviceVersionOf } from './service-version.ts';
import { toDifferenceRecords, type HmacKey } from './toDifferenceRecords.ts';
import type { DifferenceRecord } from './types.ts';

export interface ComparePipelineDeps {
  rulesFor(routeId: string): CompareRules | undefined;
  observe(observation: ExchangeObservation): void;
  recordDifferences(records: readonly DifferenceRecord[], seenAt: Date, traceId?: string): void;
  statusClassOf(status: number): StatusClass;
  readonly diffKey: HmacKey;
  readonly now: () => Date;
  readonly capacity?: number;
}

export function createComparePipeline(deps: ComparePipelineDeps): CompareQueue<CompareJob> {
  return createCompareQueue<CompareJob>({
    capacity: deps.capacity ?? 1_000,
    compare: (job) => compareResponses(job.control, job.candidate, deps.rulesFor(job.route.id)!),
    onResult: (job, comparison) => {
      const records = comparison.differences.length ? toDifferenceRecords(job.route.id, job.source, comparison.differences, deps.diffKey) : [];
      if (job.source === 'shadow') {
        // The candidate of a shadow job is always the new service (reverse mirrors swap control and candidate).
        const newVersion = serviceVersionOf(job.candidate.headers, job.route.config.readiness.versionHeader);
        deps.observe({
          type: 'compared', route: job.route.id, verdict: comparison.verdict, legacyStatus: deps.statusClassOf(job.control.status), newStatus: deps.statusClassOf(job.candidate.status),
          ...(newVersion ? { newVersion } : {}), ...(records.length ? { signatures: signaturesOf(records) } : {}),
        });
      }
      job.span?.end(job.candidate.status, { 'ficus.comparison.verdict': comparison.verdict, 'ficus.comparison.differences': comparison.differences.length });
      if (records.length) deps.recordDifferences(records, deps.now(), job.traceId);
    },
    onDrop: (job) => deps.observe({ type: 'skipped', route: job.route.id, reason: 'queue-full' }),
  });
}
