// Pointers reach the store and the dashboard, so a concrete pointer must lose anything that could
// be data: array indices (row counts per patient) and object keys that are values rather than field
// names (a map keyed by MRN, by date, by name). Keeping only what looks like a field name errs on
// the safe side: a field called `sha256` is also templated, a map keyed by MRN never leaks.
import { formatPointer, parsePointer, WILDCARD } from './pointer.ts';

/** A field name: letters (camelCase, snake_case, kebab-case, `_`/`@`/`$` prefixes) and at most one trailing digit (`line1`). */
const FIELD_NAME = /^[A-Za-z_@$][A-Za-z_$-]*\d?$/;
/** Letters-only strings that are still identifiers: long hex (hashes, object ids). */
const LONG_HEX = /^[0-9a-f]{16,}$/i;
const MAX_FIELD_NAME = 64;

/** True when a pointer segment reads as a field name rather than an identifier or a value. */
export function isFieldName(segment: string): boolean {
  return segment.length <= MAX_FIELD_NAME && FIELD_NAME.test(segment) && !LONG_HEX.test(segment);
}

// Replaces indices and identifier-like keys with '*': /entry/3/resource/id → /entry/*/resource/id.
export function templatePointer(pointer: string): string {
  const parsed = parsePointer(pointer);
  // A malformed pointer cannot be templated safely segment by segment: keep nothing of it.
  if (!parsed.ok) return `/${WILDCARD}`;
  return formatPointer(parsed.segments.map((segment) => (isFieldName(segment) ? segment : WILDCARD)));
}
