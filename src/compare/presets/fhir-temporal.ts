// FHIR R4 date, dateTime and instant values compared as the standard means them (R4 §2.1.28.0.1
// "dateTime": partial dates are allowed, a time needs seconds and a zone). Two values that name the
// same instant at the same precision are equal however they are written
// (`2024-03-01T10:00:00+01:00` is `2024-03-01T09:00:00Z`); the same moment at another precision
// (`2024-03-01` against `2024-03-01T00:00:00Z`, `…:00Z` against `…:00.000Z`) is a difference of
// kind 'precision', as `0.010` against `0.01` is for decimals; values without a time (dates) are
// compared as written. Anything not spelled as a FHIR date/dateTime/instant is not judged here.

export type TemporalVerdict = 'same' | 'precision' | 'different';

const FHIR_DATE_TIME = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

interface Temporal {
  readonly text: string;
  /** 1 year, 2 month, 3 day, 4 seconds, 5+ seconds with n fraction digits (4 + n). */
  readonly precision: number;
  /** The instant in ms since the epoch when the value has a time; digits past the milliseconds apart. */
  readonly ms: number | null;
  readonly subMs: string;
}

function parseTemporal(text: string): Temporal | null {
  const m = FHIR_DATE_TIME.exec(text);
  if (!m) return null;
  if (m[4] === undefined) return { text, precision: m[3] ? 3 : m[2] ? 2 : 1, ms: null, subMs: '' };
  const fraction = m[7] ?? '';
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${fraction.slice(0, 3).padEnd(3, '0')}${m[8]}`);
  if (!Number.isFinite(ms)) return null;
  return { text, precision: 4 + fraction.length, ms, subMs: fraction.slice(3).replace(/0+$/, '') };
}

/** The verdict for two strings that are both FHIR dates/dateTimes/instants; null otherwise. */
export function compareFhirTemporal(control: string, candidate: string): TemporalVerdict | null {
  const a = parseTemporal(control);
  const b = parseTemporal(candidate);
  if (!a || !b) return null;
  const sameMoment = a.ms !== null && b.ms !== null
    ? a.ms === b.ms && a.subMs === b.subMs
    // A date against a dateTime: the date as written is the dateTime's own (local) date.
    : (a.precision < b.precision ? b.text.startsWith(a.text) : a.text.startsWith(b.text));
  if (!sameMoment) return 'different';
  return a.precision === b.precision ? 'same' : 'precision';
}
