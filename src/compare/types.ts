// Shared contract of the comparison room. Dispatch produces CapturedResponses, compare produces
// Differences (which may hold values: they never leave the process), and only DifferenceRecords —
// templated pointers, kinds, JSON types and keyed HMACs — reach the store, logs or the API.
import type { UncomparableReason } from './evidence.ts';

/** What was teed of one upstream response for comparison (at most the route's body cap). */
export interface CapturedResponse {
  readonly status: number;
  /** Header names lowercased; repeated headers joined with ", " (set-cookie joined with "\n"). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body bytes as received (still Content-Encoded), at most the cap. */
  readonly body: Buffer;
  /** True when the body was longer than the cap: such a pair is not compared. */
  readonly truncated: boolean;
}

/**
 * 'precision': equal numbers written differently (`0.010` against `0.01`), on routes that ask.
 * 'order': the elements of an array without a policy came in another order (at the array's pointer;
 * it carries no value). 'truncated': the marker standing for the differences of one comparison past
 * its cap (compareLimits.ts).
 */
export type DifferenceKind = 'changed' | 'added' | 'removed' | 'type' | 'precision' | 'status' | 'header' | 'order' | 'truncated' | FactDifferenceKind;

/**
 * A clinical fact of a `facts` text field (facts/compare-body-facts.ts): stated by control only,
 * by candidate only, or with another value (a dose or frequency of the same medication).
 */
export type FactDifferenceKind = 'fact-missing' | 'fact-added' | 'fact-changed';

/** The body formats whose pointers have their own templates (HL7 v2 field numbers, XML element names). */
export type ComparisonFormat = 'json' | 'hl7v2' | 'xml' | 'text';

/** JSON type of a value as the comparison saw it; 'absent' when one side has no value there. */
export type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' | 'absent' | 'text' | 'binary';

/** One difference between control (the side that served the client) and candidate. In memory only. */
export interface Difference {
  /** Concrete JSON Pointer (RFC 6901), e.g. /entry/3/resource/id; '' for the whole body. */
  readonly pointer: string;
  readonly kind: DifferenceKind;
  readonly controlType: JsonType;
  readonly candidateType: JsonType;
  /**
   * The pointer's template as the route's documents prove it (field names kept, data keys '*'),
   * set by the structural diff; without it, records template by spelling alone.
   */
  readonly template?: string;
  /** Values are kept only to be HMAC'd; never logged, stored or exported. */
  readonly controlValue?: unknown;
  readonly candidateValue?: unknown;
}

export type ComparisonVerdict = 'match' | 'mismatch' | 'uncomparable';

export interface Comparison {
  readonly verdict: ComparisonVerdict;
  readonly differences: readonly Difference[];
  /** Why a pair could not be compared (e.g. 'truncated', 'decode-failed'); never contains data. */
  readonly reason?: UncomparableReason;
  /** Differences found past the cap, folded into the one `truncated` marker (absent when none). */
  readonly omittedDifferences?: number;
  /** How the bodies were read, when they were: records template body pointers by it. */
  readonly format?: ComparisonFormat;
}

/** Where a difference was observed: a shadow comparison, or two legacy responses (noise learning). */
export type DifferenceSource = 'shadow' | 'noise';

/** The PHI-safe form of a difference: what the store, the API and the dashboard see. */
export interface DifferenceRecord {
  readonly route: string;
  readonly source: DifferenceSource;
  /** JSON Pointer template: array indices and identifier-like keys replaced by '*'. */
  readonly pointer: string;
  readonly kind: DifferenceKind;
  readonly controlType: JsonType;
  readonly candidateType: JsonType;
  /** HMAC-SHA256 (hex) of the canonical JSON of each value, under the key named by keyId. */
  readonly controlHmac: string | null;
  readonly candidateHmac: string | null;
  readonly keyId: string;
}
