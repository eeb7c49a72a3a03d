// Pointers reach the store and the dashboard, so a concrete pointer must lose anything that could
// be data: array indices (row counts per patient) and object keys that are values rather than field
// names (a map keyed by MRN, by date, by a patient's surname). Spelling decides the certain cases:
// digit runs, UUIDs, hex ids, dates, spaces and punctuation are always data. Clinical field names
// keep their few digits (icd10, hba1c, o2Sat, address2, valueBase64Binary). A plain word is a
// field when structure says so (see createFieldVocabulary); without that evidence a capitalised
// word is taken for a name (`Quigglesworth`) and a lowercase or camelCase one for a field.
import { formatPointer, parsePointer, WILDCARD } from './pointer.ts';

/** Letters, digits and `_ $ -`, starting with a letter or `_ @ $`. */
const WORD = /^[A-Za-z_@$][A-Za-z0-9_$-]*$/;
/** Shapes that are data whatever the traffic says. */
const ALWAYS_DATA: readonly RegExp[] = [
  /(\d\D*){3}/, // three digits or more: MRNs (MRN004417, pat-0001), ids (abc123), years
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, // UUIDs
  /^[0-9a-f]{16,}$/i, // hashes and object ids, even when all letters
];
const MAX_FIELD_NAME = 64;

/** True when a segment is spelled like a field name at all (a necessary condition, never sufficient for a capitalised word). */
export function isFieldSpelling(segment: string): boolean {
  return segment.length <= MAX_FIELD_NAME && WORD.test(segment) && !ALWAYS_DATA.some((pattern) => pattern.test(segment));
}

/** Field names by convention (camelCase, snake_case, kebab-case, `_`/`@`/`$` prefixes); names are capitalised. */
export function isConventionalFieldName(segment: string): boolean {
  return isFieldSpelling(segment) && !/^[A-Z]/.test(segment);
}

/**
 * Spellings a field name has and a surname never does: camelCase (birthDate), snake_case or a
 * `_`/`@`/`$` mark, or a letter-digit mix (icd10, o2Sat). Plain lowercase words are ambiguous.
 */
export function isUnambiguousFieldName(segment: string): boolean {
  return isFieldSpelling(segment) && /^[a-z_@$]/.test(segment) && (/[a-z][A-Z]/.test(segment) || /[_@$]/.test(segment) || /\d/.test(segment));
}

/** What structure has proven about the keys of a route's documents (createFieldVocabulary). */
export interface FieldEvidence {
  /**
   * 'field' when proven a field at this position, 'data' when the position holds data keys (a map
   * keyed by values), 'unknown' otherwise. position is the spelling template of the parent.
   */
  judge(position: string, key: string): 'field' | 'data' | 'unknown';
}

/** The position of a key, for FieldEvidence: its parent's pointer with everything not spelled as a field as '*'. */
export function positionOf(parentSegments: readonly string[]): string {
  let out = '';
  for (const segment of parentSegments) out += `/${isConventionalFieldName(segment) ? segment : WILDCARD}`;
  return out;
}

/**
 * A template segment standing for a key nothing has proven a field (nor data): the record writes
 * it as `~k:<hmac8>` (toDifferenceRecords), so differences under one such key still group together
 * while the key itself — maybe `janeDoe`, maybe a field the route has not shown often enough yet —
 * never leaves in clear, and no ignore rule can be written against it by accident.
 */
export const UNPROVEN_KEY = '~k';

/**
 * Replaces indices and data keys with '*': /problems/3/icd10 → /problems/*\/icd10,
 * /byName/Quigglesworth/phone → /byName/*\/phone; with a route's evidence, a key spelled as a
 * field that nothing has proven becomes UNPROVEN_KEY.
 */
export function templatePointer(pointer: string, evidence?: FieldEvidence): string {
  const parsed = parsePointer(pointer);
  // A malformed pointer cannot be templated safely segment by segment: keep nothing of it.
  if (!parsed.ok) return `/${WILDCARD}`;
  const segments = parsed.segments;
  return formatPointer(segments.map((segment, k) => templateSegment(segment, segments.slice(0, k), evidence)));
}

function templateSegment(segment: string, parent: readonly string[], evidence: FieldEvidence | undefined): string {
  if (!isFieldSpelling(segment)) return WILDCARD;
  if (evidence === undefined) {
    // Without evidence (status and header pointers, a route comparator's output) spelling decides.
    return isConventionalFieldName(segment) ? segment : WILDCARD;
  }
  const verdict = evidence.judge(positionOf(parent), segment);
  // A data position's keys are '*'; a key nothing has proven is neither kept nor merged with every
  // other key: a lowercase surname used as a key must never reach the store, even on the route's
  // first documents.
  return verdict === 'field' ? segment : verdict === 'data' ? WILDCARD : UNPROVEN_KEY;
}
