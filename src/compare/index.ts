// The comparison room's public surface; other rooms import from here.
export type * from './types.ts';
export { compareConfigSchema, BODY_DIFFERENCE_KINDS, type BodyDifferenceKind, type CompareConfig } from './compare-config-schema.ts';
export { compileCompareRules, CompareConfigError, DEFAULT_COMPARED_HEADERS, type CompareRules, type RouteComparator } from './compile-compare-rules.ts';
export { decodeBody, type BodyDecoding, type DecodedBody, type DecodeFailure } from './decode-body.ts';
export { compareResponses, compareLegacyPair, headerPointer, STATUS_POINTER } from './compare-responses.ts';
export { templatePointer } from './template-pointer.ts';
export { toDifferenceRecords, hmacValue, type HmacKey } from './to-difference-records.ts';
export { countHiddenDifferences, suggestNoiseRules, type NoiseObservation, type NoiseSuggestion, type RecordedDifference } from './suggest-noise-rules.ts';
export { createCompareQueue, type CompareQueue, type CompareQueueOptions, type CompareQueueStats, type EnqueueOutcome } from './create-compare-queue.ts';
export { assessReadiness, wilsonUpperBound, DEFAULT_READINESS_POLICY } from './assess-readiness.ts';
export { differenceSignature, parseDifferenceSignature, signaturesOf } from './difference-signature.ts';
export { serviceVersionOf } from './service-version.ts';
export { createComparisonWorkerPool, type ComparisonWorkerPool, type ComparisonWorkerPoolOptions, type PoolEvent, type WorkerJob } from './create-comparison-worker-pool.ts';
export type { RuleSource } from './comparison-worker-main.ts';
export { DEFAULT_COMPARE_LIMITS, resolveCompareLimits, type CompareLimits } from './compare-limits.ts';
export { createComparePipeline, type ComparePipelineDeps } from './create-compare-pipeline.ts';
