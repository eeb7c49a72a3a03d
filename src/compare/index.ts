// The comparison room's public surface; other rooms import from here.
export type * from './types.ts';
export { compareConfigSchema, BODY_DIFFERENCE_KINDS, type BodyDifferenceKind, type CompareConfig } from './compareConfigSchema.ts';
export { compileCompareRules, CompareConfigError, DEFAULT_COMPARED_HEADERS, type CompareRules, type RouteComparator } from './compileCompareRules.ts';
export { decodeBody, type BodyDecoding, type DecodedBody, type DecodeFailure } from './decodeBody.ts';
export { compareResponses, compareLegacyPair, headerPointer, STATUS_POINTER } from './compareResponses.ts';
export { templatePointer } from './templatePointer.ts';
export { toDifferenceRecords, hmacValue, type HmacKey } from './toDifferenceRecords.ts';
export { countHiddenDifferences, suggestNoiseRules, type NoiseObservation, type NoiseSuggestion, type RecordedDifference } from './suggestNoiseRules.ts';
export { createCompareQueue, type CompareQueue, type CompareQueueOptions, type CompareQueueStats, type EnqueueOutcome } from './createCompareQueue.ts';
export { assessReadiness, wilsonUpperBound, DEFAULT_READINESS_POLICY } from './assessReadiness.ts';
export { differenceSignature, parseDifferenceSignature, signaturesOf } from './difference-signature.ts';
export { serviceVersionOf } from './service-version.ts';
export { createComparisonWorkerPool, type ComparisonWorkerPool, type ComparisonWorkerPoolOptions, type PoolEvent, type WorkerJob } from './createComparisonWorkerPool.ts';
export type { RuleSource } from './comparisonWorkerMain.ts';
export { DEFAULT_COMPARE_LIMITS, resolveCompareLimits, type CompareLimits } from './compareLimits.ts';
export { createComparePipeline, type ComparePipelineDeps } from './createComparePipeline.ts';
