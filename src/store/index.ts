// The store room's public surface: everything other rooms (main, admin, dispatch) may import.
export { openStore, pingStore, type OpenStoreOptions, type Store, type StoreLog, type StorePing } from './open-store.ts';
export { StoreError, type StoreErrorCode } from './store-error.ts';
export { parseStoreUrl, redactStoreUrl, type StoreEngine, type StoreLocation } from './store-url.ts';
export type { StoreSchema } from './schema.ts';
export { migrateStore } from './migrate-store.ts';
export {
  listDifferences, purgeDifferences, recordDifferences, type DifferenceObservation, type DifferenceRow, type ListDifferencesQuery,
} from './differences.ts';
export { acceptDifference, listAcceptedSignatures, revokeAcceptance, type AcceptDifference, type Acceptance } from './accepted-differences.ts';
export {
  createHistogram, HISTOGRAM_RELATIVE_ERROR, mergeHistogram, parseHistogram, percentile, recordLatency, serializeHistogram,
  type Histogram,
} from './histogram.ts';
export { createStatsRecorder, type StatsRecorder, type StatsRecorderDeps } from './stats-recorder.ts';
export { purgeStats } from './write-rollups.ts';
export { readRouteEvidence, type EvidenceWindow } from './route-evidence.ts';
export { listServiceVersions, type ServiceVersion } from './service-versions.ts';
export { readRouteSeries, type RouteSeriesPoint, type RouteSeriesQuery } from './route-series.ts';
export { appendAudit, listAudit, purgeAudit, type AuditAction, type AuditEntry, type AuditInput, type ListAuditQuery } from './audit-log.ts';
export { verifyAuditChain, type AuditVerification } from './verify-audit-chain.ts';
export { keyIdOf, parseDiffKey, resolveDiffKey, type DiffKey, type ResolveDiffKeyOptions } from './diff-key.ts';
