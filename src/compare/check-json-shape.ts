// Measures a JSON text's nesting depth, key count and element count in one pass over its bytes,
// before JSON.parse: parsing a million keys allocates gigabytes, counting them allocates nothing.
// The text is trusted to be JSON only as far as this needs (strings and brackets); anything that is
// not valid JSON still fails JSON.parse afterwards.
import type { CompareLimits } from './compare-limits.ts';

export type ShapeViolation = 'too-deep' | 'too-many-keys' | 'too-many-elements';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/** The first limit the text exceeds, or null when it stays within all of them. */
export function checkJsonShape(bytes: Uint8Array, limits: Pick<CompareLimits, 'depth' | 'keys' | 'elements'>): ShapeViolation | null {
  // inArray[d]: whether the container at depth d is an array (commas there separate elements).
  const inArray = new Uint8Array(limits.depth + 2);
  let depth = 0;
  let keys = 0;
  let elements = 0;
  // Just after '[': the next token, unless ']', is the array's first element.
  let arrayJustOpened = false;
  const length = bytes.length;
  for (let i = 0; i < length; i++) {
    const c = bytes[i]!;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (arrayJustOpened) {
      arrayJustOpened = false;
      if (c !== CLOSE_ARRAY && ++elements > limits.elements) return 'too-many-elements';
    }
    if (c === QUOTE) {
      i = endOfString(bytes, i);
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > limits.depth) return 'too-deep';
      inArray[depth] = c === OPEN_ARRAY ? 1 : 0;
      arrayJustOpened = c === OPEN_ARRAY;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth > 0) depth--;
    } else if (c === COLON) {
      if (++keys > limits.keys) return 'too-many-keys';
    } else if (c === COMMA && inArray[depth] === 1) {
      if (++elements > limits.elements) return 'too-many-elements';
    }
  }
  return null;
}

/** Index of the quote closing the string opened at `start` (or the last index if unterminated). */
function endOfString(bytes: Uint8Array, start: number): number {
  let i = start;
  for (;;) {
    // indexOf is native: long strings cost a memchr, not a JS loop per byte.
    const quote = bytes.indexOf(QUOTE, i + 1);
    if (quote === -1) return bytes.length - 1;
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    i = quote;
  }
}
