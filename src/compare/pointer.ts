// RFC 6901 JSON Pointers. Rules in route files use them with one extension: a segment that is
// exactly `*` matches any object key or array index. Matching is always segment by segment, so
// `/meta` can never match `/metadata` (substring matching is how ignore rules silently hide PHI
// fields that merely share a prefix).

/** The wildcard segment of rule pointers. A literal key named "*" therefore cannot be targeted. */
export const WILDCARD = '*';

export type PointerParse =
  | { readonly ok: true; readonly segments: readonly string[] }
  | { readonly ok: false; readonly message: string };

/** Splits a pointer into unescaped segments; '' is the whole document. */
export function parsePointer(pointer: string): PointerParse {
  if (pointer === '') return { ok: true, segments: [] };
  if (!pointer.startsWith('/')) return { ok: false, message: `JSON Pointer must be '' or start with '/': ${JSON.stringify(pointer)}` };
  // RFC 6901 §3: '~' is only legal as '~0' or '~1'.
  if (/~(?![01])/.test(pointer)) return { ok: false, message: `'~' must be followed by 0 or 1 (RFC 6901): ${JSON.stringify(pointer)}` };
  return { ok: true, segments: pointer.slice(1).split('/').map(unescapeSegment) };
}

/** Parses a pointer relative to an element (`resource/id`); a leading '/' is accepted too. */
export function parseRelativePointer(pointer: string): PointerParse {
  if (pointer === '') return { ok: false, message: 'relative pointer must name a field' };
  const parsed = parsePointer(pointer.startsWith('/') ? pointer : `/${pointer}`);
  if (parsed.ok && parsed.segments.includes(WILDCARD)) return { ok: false, message: `a key pointer cannot contain '*': ${JSON.stringify(pointer)}` };
  return parsed;
}

export function formatPointer(segments: readonly string[]): string {
  let out = '';
  for (const segment of segments) out += `/${escapeSegment(segment)}`;
  return out;
}

export function escapeSegment(segment: string): string {
  // Order matters (RFC 6901 §4): '~' first, or '/' → '~1' would become '~01'.
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function unescapeSegment(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** Reads the value at segments inside a JSON value; undefined when absent. */
export function readAt(value: unknown, segments: readonly string[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else if (current !== null && typeof current === 'object' && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return current;
}
