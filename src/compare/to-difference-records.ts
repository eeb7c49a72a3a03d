// The only way a Difference leaves the process: templated pointer, kind, JSON types and keyed
// HMACs. The HMAC lets an operator see "the same wrong value every time" without anyone being able
// to read (or, without the key, brute-force) the value; rotating the key is why keyId is recorded.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import { templateHl7Pointer } from './formats/hl7v2-tree.ts';
import { templateXmlPointer } from './formats/template-xml-pointer.ts';
import { escapeSegment, parsePointer, WILDCARD } from './pointer.ts';
import { isFieldSpelling, templatePointer, UNPROVEN_KEY } from './template-pointer.ts';
import type { ComparisonFormat, Difference, DifferenceRecord, DifferenceSource } from './types.ts';

export interface HmacKey {
  readonly id: string;
  readonly secret: Buffer;
}

/** HMAC-SHA256 (hex) of a value's canonical JSON; null when the value is absent. */
export function hmacValue(value: unknown, key: HmacKey): string | null {
  return hmacWith(value, createSecretKey(key.secret));
}

// createHmac with a raw Buffer key imports that key anew on every call: profiled at 6-7× the cost
// of the HMAC itself (getKeyObjectSlots), thousands of times a second while a route shadows large
// Bundles. A comparison's records therefore share one KeyObject.
function hmacWith(value: unknown, secret: KeyObject): string | null {
  if (value === undefined) return null;
  return createHmac('sha256', secret).update(canonicalJson(value)).digest('hex');
}

/**
 * The structural diff's template when it is one of this pointer (each segment kept as is or '*',
 * kept ones spelled as field names: a route comparator's Difference is not trusted to be safe);
 * otherwise the pointer templated by spelling.
 */
function templateOf(difference: Difference, format: ComparisonFormat | undefined, secret: KeyObject): string {
  const { template, pointer } = difference;
  // A v2 or XML body pointer has its own scheme: PID-5.1 is /PID/*/5/*/1, not /*/*/*/*/*.
  // Status and header differences sit outside the body and keep the JSON scheme.
  if (difference.kind !== 'status' && difference.kind !== 'header') {
    if (format === 'hl7v2') return templateHl7Pointer(pointer);
    if (format === 'xml') return templateXmlPointer(pointer);
  }
  if (template === undefined) return templatePointer(pointer);
  const concrete = parsePointer(pointer);
  const templated = parsePointer(template);
  const fits = concrete.ok && templated.ok && concrete.segments.length === templated.segments.length
    && templated.segments.every((segment, k) => segment === WILDCARD || segment === UNPROVEN_KEY || (segment === concrete.segments[k] && isFieldSpelling(segment)));
  if (!fits) return templatePointer(pointer);
  // An unproven key is written as a keyed HMAC of the key: the same key groups, nobody reads it.
  return templated.segments.map((segment, k) => `/${segment === UNPROVEN_KEY ? unprovenKeyWith(concrete.segments[k]!, secret) : escapeSegment(segment)}`).join('');
}

/** `~k:` and 8 hex digits of the key's HMAC (a label apart from values': the same text as a value hashes otherwise). */
export function unprovenKey(segment: string, key: HmacKey): string {
  return unprovenKeyWith(segment, createSecretKey(key.secret));
}

/** The same, on the comparison's shared KeyObject (see hmacWith). */
function unprovenKeyWith(segment: string, secret: KeyObject): string {
  return `${UNPROVEN_KEY}:${createHmac('sha256', secret).update(`key\u0000${segment}`).digest('hex').slice(0, 8)}`;
}

/**
 * PHI-safe records for one comparison's differences, identical records merged (noise: per template
 * and kind). `format` is the comparison's (Comparison.format): it picks the body pointer templater.
 */
export function toDifferenceRecords(route: string, source: DifferenceSource, differences: readonly Difference[], key: HmacKey, format?: ComparisonFormat): DifferenceRecord[] {
  const records = new Map<string, DifferenceRecord>();
  const secret = differences.length ? createSecretKey(key.secret) : undefined;
  for (const difference of differences) {
    const record: DifferenceRecord = {
      route,
      source,
      pointer: templateOf(difference, format, secret!),
      kind: difference.kind,
      controlType: difference.controlType,
      candidateType: difference.candidateType,
      controlHmac: hmacWith(difference.controlValue, secret!),
      candidateHmac: hmacWith(difference.candidateValue, secret!),
      keyId: key.id,
    };
    // Noise records count legacy pairs (a suggestion's evidence), so one pair contributes one record
    // per template and kind, however many elements differed there; its values do not matter.
    const values = source === 'noise' ? [] : [record.controlHmac, record.candidateHmac];
    const identity = JSON.stringify([record.pointer, record.kind, record.controlType, record.candidateType, ...values]);
    if (!records.has(identity)) records.set(identity, Object.freeze(record));
  }
  return [...records.values()];
}
