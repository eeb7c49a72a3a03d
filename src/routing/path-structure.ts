// Whether one raw path segment captured by a route (a `:param`, or a segment under `*`) carries
// path structure. The new service's ingress (nginx, Spring, IIS, most frameworks) decodes a
// segment and then normalises the path, so `/fhir/Patient/..%2F..%2Finternal%2Fconfig` matched as
// `:id` reaches it as `/internal/config`. A segment that could change the path's shape after any
// decoding a server might do is refused: it never selects a route.
//
// "Any decoding": percent-decoding repeated (a backend that decodes again turns `%252F` into `/`),
// Unicode compatibility folding (IIS and some frameworks fold the fullwidth `．` and `／` to `.` and
// `/`), Tomcat's `;` path parameters (`..;x` is `..`), Windows' trailing dots and spaces, and NUL
// truncation. Malformed or overlong encodings (`%c0%ae`, `%u002e`) are refused too: Ficus cannot
// know how a lenient decoder would read them.

/** Why a segment was refused: a closed set, used as a metric label. */
export type PathRefusalReason =
  | 'dot-segment'
  | 'encoded-slash'
  | 'backslash'
  | 'control-char'
  | 'malformed-encoding';

export const PATH_REFUSAL_REASONS: readonly PathRefusalReason[] = ['dot-segment', 'encoded-slash', 'backslash', 'control-char', 'malformed-encoding'];

/** Decoding rounds looked through; a segment still encoded after this many is refused. */
const MAX_DECODE_ROUNDS = 4;

// Ordinary ids (`123`, `pat-0001`, `a.b`) take the fast path: no `%`, no `\`, no `;`, not all dots.
const PLAIN = /^[A-Za-z0-9\-_~.!$&'()*+,=:@]*$/;
const ENCODED_BYTE = /%[0-9A-Fa-f]{2}/;
const NON_ASCII = /[^ -~]/;

/** The reason a captured segment carries path structure, or undefined when it is a plain value. */
export function findPathStructure(segment: string): PathRefusalReason | undefined {
  if (PLAIN.test(segment)) return isDotSegment(segment) ? 'dot-segment' : undefined;
  let layer = segment;
  for (let round = 0; ; round++) {
    const found = structureOf(layer);
    if (found) return found;
    if (!ENCODED_BYTE.test(layer)) return undefined;
    if (round === MAX_DECODE_ROUNDS) return 'malformed-encoding';
    try {
      layer = decodeURIComponent(layer);
    } catch {
      // A raw segment that does not decode, or a decoded layer that still holds `%HH` sequences
      // which do not decode (overlong UTF-8 such as `%c0%ae`), may mean anything to a lenient decoder.
      return 'malformed-encoding';
    }
  }
}

/** Structure visible in one decoded layer (as is, and after Unicode compatibility folding). */
function structureOf(layer: string): PathRefusalReason | undefined {
  if (layer.includes('%u') || layer.includes('%U')) return 'malformed-encoding';
  // NON_ASCII also catches control characters; only those layers pay for the folding.
  const forms = NON_ASCII.test(layer) ? [layer, layer.normalize('NFKC')] : [layer];
  for (const form of forms) {
    if (form.includes('/')) return 'encoded-slash';
    if (form.includes('\\')) return 'backslash';
    if (hasControlChar(form)) return 'control-char';
    if (isDotSegment(form)) return 'dot-segment';
  }
  return undefined;
}

/** `.`, `..` (and `...`), also with a `;param` suffix or trailing spaces, as servers read them. */
function isDotSegment(value: string): boolean {
  const semicolon = value.indexOf(';');
  const name = (semicolon === -1 ? value : value.slice(0, semicolon)).trimEnd();
  if (name === '') return false;
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) !== 46 /* '.' */) return false;
  return true;
}

/** C0 controls and DEL: NUL truncates a path in C-based servers, tabs and CR/LF split it in logs. */
function hasControlChar(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
