// Canonical JSON: object keys sorted by code unit, no whitespace, so equal values serialise to
// equal strings whatever order each upstream emitted its keys in. Used to match unordered array
// elements and as the HMAC input of difference records.

import { WrittenNumber } from './written-number.ts';

/** Serialises a JSON value canonically; undefined (absent) serialises as 'null'. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // A number as written (routes comparing precision): its text is its JSON.
  if (value instanceof WrittenNumber) return value.text;
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((key) => record[key] !== undefined).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    out += `${i === 0 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(record[key])}`;
  }
  return `${out}}`;
}
