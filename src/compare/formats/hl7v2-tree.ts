// HL7 v2 (ER7, "pipe and hat") messages as a tree the structural diff walks, so one rule language
// (ignore, unordered/keyed, tolerances) applies to v2 exactly as to JSON.
//
// The tree is regular on purpose — every level has one shape whatever the message holds — because
// a shape that depended on the data ("a string when PID-5 has one component, an object when two")
// would turn every added component into a type change and make rules fragile:
//
//   { PID: [ { "5": [ { "1": "DOE", "2": "JANE" } ] } ] }
//     │     │   │    │   └ component (1-based, as HL7 numbers them); a component holding
//     │     │   │    │     subcomponents is an object { "1": …, "2": … } of them
//     │     │   │    └ repetition (0-based array index: data, templated to *)
//     │     │   └ field number (1-based, as HL7 numbers them)
//     │     └ occurrence of the segment in the message (array index: data, templated to *)
//     └ segment id
//
// so PID-5.1 of any occurrence and repetition is the pointer /PID/*/5/*/1.
// HL7 semantics kept: trailing empty fields, repetitions, components and subcomponents are not
// significant ("DOE^" equals "DOE") and are dropped; escape sequences are decoded (v2.5.1 §2.7);
// MSH-1 (the field separator) and MSH-2 (the encoding characters) are kept as plain strings.
// Bytes are decoded by the caller (ISO-8859-1 stays exact: no UTF-8 round trip).

export type Hl7Component = string | { readonly [subcomponent: string]: string };
export type Hl7Repetition = { readonly [component: string]: Hl7Component };
export type Hl7Segment = { readonly [field: string]: readonly Hl7Repetition[] | string };
export type Hl7Tree = { readonly [segmentId: string]: readonly Hl7Segment[] };

export interface Hl7Delimiters {
  readonly field: string;
  readonly component: string;
  readonly repetition: string;
  readonly escape: string;
  readonly subcomponent: string;
}

export type Hl7Parse =
  | { readonly ok: true; readonly tree: Hl7Tree; readonly delimiters: Hl7Delimiters }
  | { readonly ok: false; readonly reason: 'not-hl7v2' | 'hl7v2-too-large' };

export interface Hl7Limits {
  /** Most segments parsed; a longer message is uncomparable rather than a long stall. */
  readonly maxSegments: number;
}

const DEFAULT_LIMITS: Hl7Limits = { maxSegments: 10_000 };
const SEGMENT_ID = /^[A-Z][A-Z0-9]{2}$/;

/** Parses an ER7 message (or a batch: FHS/BHS/MSH… all become segments of one tree). */
export function parseHl7v2(text: string, limits: Hl7Limits = DEFAULT_LIMITS): Hl7Parse {
  // Segments end in CR (v2 §2.5); LF and CRLF are accepted because files and HTTP bodies carry them.
  const lines = text.split(/\r\n|\r|\n/).filter((line) => line.length > 0);
  const header = lines[0] ?? '';
  const first = header.slice(0, 3);
  if (!['MSH', 'FHS', 'BHS'].includes(first) || header.length < 8) return { ok: false, reason: 'not-hl7v2' };
  if (lines.length > limits.maxSegments) return { ok: false, reason: 'hl7v2-too-large' };
  const delimiters = delimitersOf(header);
  const tree: Record<string, Hl7Segment[]> = {};
  for (const line of lines) {
    const id = line.slice(0, 3);
    if (!SEGMENT_ID.test(id)) return { ok: false, reason: 'not-hl7v2' };
    (tree[id] ??= []).push(parseSegment(line, delimiters));
  }
  return { ok: true, tree, delimiters };
}

function delimitersOf(header: string): Hl7Delimiters {
  // MSH-1 is the character after "MSH"; MSH-2 lists component, repetition, escape, subcomponent.
  const field = header.charAt(3);
  const encoding = header.slice(4).split(field)[0] ?? '';
  return {
    field,
    component: encoding.charAt(0) || '^',
    repetition: encoding.charAt(1) || '~',
    escape: encoding.charAt(2) || '\\',
    subcomponent: encoding.charAt(3) || '&',
  };
}

function parseSegment(line: string, d: Hl7Delimiters): Hl7Segment {
  const id = line.slice(0, 3);
  const isHeader = id === 'MSH' || id === 'FHS' || id === 'BHS';
  const segment: Record<string, readonly Hl7Repetition[] | string> = {};
  if (isHeader) {
    // Header segments count their own separator as field 1, and field 2 is never split.
    const rest = line.slice(4).split(d.field);
    segment['1'] = d.field;
    if (rest[0]) segment['2'] = rest[0];
    rest.slice(1).forEach((raw, i) => setField(segment, String(i + 3), raw, d));
    return segment;
  }
  line.slice(4).split(d.field).forEach((raw, i) => setField(segment, String(i + 1), raw, d));
  return segment;
}

function setField(segment: Record<string, readonly Hl7Repetition[] | string>, number: string, raw: string, d: Hl7Delimiters): void {
  const repetitions = trimTrailingEmpty(raw.split(d.repetition).map((rep) => parseRepetition(rep, d)), isEmptyObject);
  if (repetitions.length > 0) segment[number] = repetitions;
}

function parseRepetition(raw: string, d: Hl7Delimiters): Hl7Repetition {
  const repetition: Record<string, Hl7Component> = {};
  raw.split(d.component).forEach((component, i) => {
    const parsed = parseComponent(component, d);
    if (parsed !== '') repetition[String(i + 1)] = parsed;
  });
  return repetition;
}

function parseComponent(raw: string, d: Hl7Delimiters): Hl7Component {
  if (!raw.includes(d.subcomponent)) return unescapeHl7(raw, d);
  const parts: Record<string, string> = {};
  raw.split(d.subcomponent).forEach((sub, i) => {
    const value = unescapeHl7(sub, d);
    if (value !== '') parts[String(i + 1)] = value;
  });
  const keys = Object.keys(parts);
  // "A&" is "A": a component whose only non-empty subcomponent is the first reads as a plain string.
  if (keys.length === 0) return '';
  if (keys.length === 1 && keys[0] === '1') return parts['1']!;
  return parts;
}

/** Decodes v2 escape sequences (\F\ \S\ \T\ \R\ \E\ \Xhh…\); formatting escapes (\H\, \.br\) stay as written. */
export function unescapeHl7(raw: string, d: Hl7Delimiters): string {
  const e = d.escape;
  if (!e || !raw.includes(e)) return raw;
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const ch = raw.charAt(i);
    const end = ch === e ? raw.indexOf(e, i + 1) : -1;
    if (end < 0) {
      out += ch;
      i += 1;
      continue;
    }
    out += decodeEscape(raw.slice(i + 1, end), d) ?? raw.slice(i, end + 1);
    i = end + 1;
  }
  return out;
}

function decodeEscape(body: string, d: Hl7Delimiters): string | undefined {
  switch (body) {
    case 'F': return d.field;
    case 'S': return d.component;
    case 'T': return d.subcomponent;
    case 'R': return d.repetition;
    case 'E': return d.escape;
  }
  if (/^X(?:[0-9A-Fa-f]{2})+$/.test(body)) {
    // Hex bytes, read as ISO-8859-1 code points (one byte, one character) like the body itself.
    return Buffer.from(body.slice(1), 'hex').toString('latin1');
  }
  return undefined;
}

function trimTrailingEmpty<T>(items: T[], isEmpty: (item: T) => boolean): T[] {
  let end = items.length;
  while (end > 0 && isEmpty(items[end - 1]!)) end -= 1;
  return items.slice(0, end);
}

function isEmptyObject(value: object): boolean {
  for (const _ in value) return false;
  return true;
}

/**
 * Templates a pointer into an HL7 v2 tree: segment ids, field, component and subcomponent numbers
 * are names an analyst reads (PID-5.1); segment occurrences and field repetitions are data (`*`).
 */
export function templateHl7Pointer(pointer: string): string {
  const segments = pointer.split('/').slice(1);
  return segments.map((segment, depth) => {
    if (depth === 0) return SEGMENT_ID.test(segment) ? segment : '*';
    if (depth === 1 || depth === 3) return '*';
    return /^\d{1,3}$/.test(segment) ? segment : '*';
  }).reduce((acc, s) => `${acc}/${s}`, '');
}

/** MSH-7 (date/time of message) and MSH-10 (control id) differ on every message: noise by default. */
export const HL7_DEFAULT_IGNORES: readonly string[] = ['/MSH/*/7', '/MSH/*/10'];
