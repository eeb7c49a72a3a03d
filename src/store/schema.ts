// Table shapes as kysely sees them. Times are epoch milliseconds in bigint/integer columns so both
// engines compare and sum them the same way (pg's int8/numeric are parsed to numbers on open).
// JSON is stored as text: SQLite has no JSON type and nothing here is queried inside the JSON.
import type { Generated } from 'kysely';

export interface DifferenceTable {
  route: string;
  source: string;
  pointer: string;
  kind: string;
  control_type: string;
  candidate_type: string;
  count: number;
  first_seen_ms: number;
  last_seen_ms: number;
  /** JSON array of the most recent trace ids, newest first (at most 5). */
  trace_ids: string;
  control_hmac: string | null;
  candidate_hmac: string | null;
  key_id: string;
  /** Unused since migration 0021: acceptance lives in ficus_accepted_difference. */
  accepted: Generated<number>;
  accepted_reason: string | null;
  accepted_by: string | null;
  accepted_at_ms: number | null;
}

/** One named counter of one route for one minute, e.g. `served:new`, `status:2xx:5xx`. */
export interface StatsCounterTable {
  route: string;
  minute_ms: number;
  name: string;
  value: number;
}

/**
 * Comparison counters of one route, minute and new-service version ('' when unversioned):
 * `compared:<verdict>`, `status:<legacy>:<new>`, `mismatch-set:<set id>` and `mismatch-set:overflow`.
 */
export interface StatsComparisonTable {
  route: string;
  minute_ms: number;
  version: string;
  name: string;
  value: number;
}

/** What a mismatch-set id stands for: a JSON array of sorted difference signatures. */
export interface SignatureSetTable {
  route: string;
  set_id: string;
  signatures: string;
  last_seen_ms: number;
}

export interface ServiceVersionTable {
  route: string;
  version: string;
  first_seen_ms: number;
  last_seen_ms: number;
}

/** An accepted difference signature: comparisons carrying only accepted ones count as matched. */
export interface AcceptedDifferenceTable {
  route: string;
  pointer: string;
  kind: string;
  reason: string;
  actor: string;
  at_ms: number;
}

/** Mergeable latency histogram of one side of one route for one minute. */
export interface StatsLatencyTable {
  route: string;
  minute_ms: number;
  side: string;
  count: number;
  /** Compact bucket→count JSON, see histogram.ts. */
  histogram: string;
}

export interface AuditLogTable {
  seq: number;
  at_ms: number;
  actor: string;
  action: string;
  route: string | null;
  /** Canonical JSON (sorted keys) of the details object, exactly as hashed. */
  details: string | null;
  reason: string | null;
  source: string;
  prev_hash: string;
  hash: string;
}

/** One row (id 1) once the head of the log has been purged: where verification starts. */
export interface AuditAnchorTable {
  id: number;
  seq: number;
  prev_hash: string;
}

/** One route's rollout under the autopilot (see src/rollout). */
export interface RolloutTable {
  route: string;
  /** The validated plan as JSON. */
  plan: string;
  status: string;
  step: number;
  step_started_ms: number;
  rollbacks: number;
  approved_step: number | null;
  /** 0/1: a dry run decides and audits but never flips a flag. */
  dry_run: number;
  started_by: string;
  updated_ms: number;
  /** JSON of the last decision (action, reason, gates) for status and the timeline. */
  last_decision: string | null;
}

/** A named lease: the holder decides until expires_ms, then anyone may take it. */
export interface LeaseTable {
  name: string;
  holder: string;
  expires_ms: number;
}

/** Always one row (id 1): the store's own id, written when the store was created. */
export interface StoreIdentityTable {
  id: number;
  store_id: string;
  created_at_ms: number;
}

/** The migration map: requests per time bucket, mode and PHI-safe template (see src/discovery). */
export interface MapTrafficTable {
  bucket_ms: number;
  /** new | shadow | canary | legacy-route | unmatched */
  served_as: string;
  /** '' on the modes' rows and on the unmatched "other" row (beyond the template cap). */
  method: string;
  template: string;
  requests: number;
  errors: number;
  /** Latency histogram JSON (histogram.ts), merged on every write. */
  histogram: string;
}

export interface StoreSchema {
  ficus_rollout: RolloutTable;
  ficus_lease: LeaseTable;
  ficus_difference: DifferenceTable;
  ficus_stats_counter: StatsCounterTable;
  ficus_stats_latency: StatsLatencyTable;
  ficus_stats_comparison: StatsComparisonTable;
  ficus_signature_set: SignatureSetTable;
  ficus_service_version: ServiceVersionTable;
  ficus_accepted_difference: AcceptedDifferenceTable;
  ficus_audit_log: AuditLogTable;
  ficus_audit_anchor: AuditAnchorTable;
  ficus_store_identity: StoreIdentityTable;
  ficus_map_traffic: MapTrafficTable;
}
