// The route's `facts` fields compared by what they state (compare-clinical-facts.ts), as
// Differences the store can keep: at <field pointer>/@fact/<category> (`/summary/@fact/dose`, or
// `/@fact/dose` for a whole text body), kind fact-missing / fact-added / fact-changed, the fact's
// value kept only to be HMAC'd. `@fact` cannot collide with a JSON field of a FHIR-like document
// (no key starts with @), and the category is a word a clinician reads.
//
// A pointer with `*` (`/entry/*/resource/text/div`, `/notes/*/text`) names every match: the texts
// both sides have word for word are set aside (an entry moved in an order-free list, an untouched
// note), and the facts of the rest are compared together, so a reordered Bundle is no difference
// and a dose dropped from one note is. Reported at the pointer as written, `*` and all: which
// element it was is data.
//
// The vocabulary of medications is the route's formulary plus the medications either response
// names in structured fields (medicationCodeableConcept.text, coding display): a summary is
// checked against the drugs the same answer talks about. It is gathered only when some text
// differs, and each document is walked once per comparison, however many fact fields it has.
import type { FactPointer } from '../compile-compare-rules.ts';
import { formatPointer, readAt, WILDCARD } from '../pointer.ts';
import type { Difference } from '../types.ts';
import { compareClinicalFacts } from './compare-clinical-facts.ts';
import { createFactVocabulary, type FactVocabulary } from './extract-clinical-facts.ts';

export const FACT_SEGMENT = '@fact';

/** Counts what one comparison reads, for tests that prove the cost by counts rather than time. */
export interface FactWalkProbe {
  /** Values visited looking for medication names. */
  visits: number;
}

export function compareBodyFacts(control: unknown, candidate: unknown, facts: readonly FactPointer[], formulary: readonly string[], probe?: FactWalkProbe): Difference[] {
  if (facts.length === 0) return [];
  let vocabulary: FactVocabulary | undefined;
  const vocabularyOf = (): FactVocabulary =>
    (vocabulary ??= createFactVocabulary([...formulary, ...medicationNames(control, probe), ...medicationNames(candidate, probe)]));
  const differences: Difference[] = [];
  for (const { segments } of facts) {
    const texts = segments.includes(WILDCARD) ? differingTexts(control, candidate, segments) : pairAt(control, candidate, segments);
    // Not text on both sides: the structural diff reports the removal or the type change.
    if (!texts) continue;
    for (const found of compareClinicalFacts(texts[0], texts[1], vocabularyOf())) {
      differences.push({
        pointer: formatPointer([...segments, FACT_SEGMENT, found.category]),
        kind: found.kind,
        controlType: found.controlValue === undefined ? 'absent' : 'string',
        candidateType: found.candidateValue === undefined ? 'absent' : 'string',
        ...(found.controlValue === undefined ? {} : { controlValue: found.controlValue }),
        ...(found.candidateValue === undefined ? {} : { candidateValue: found.candidateValue }),
      });
    }
  }
  return differences;
}

/** The two texts at a concrete pointer, when both are text and they differ. */
function pairAt(control: unknown, candidate: unknown, segments: readonly string[]): [string, string] | null {
  const a = readAt(control, segments);
  const b = readAt(candidate, segments);
  return typeof a === 'string' && typeof b === 'string' && a !== b ? [a, b] : null;
}

/**
 * The texts at every match of a `*` pointer, those both sides have word for word set aside (as a
 * multiset), the rest of each side joined by line (a line ends a sentence for extraction). Null
 * when nothing differs, or when one side has nothing left (its elements were removed or added:
 * the structural diff says so).
 */
function differingTexts(control: unknown, candidate: unknown, segments: readonly string[]): [string, string] | null {
  const left = textsAt(control, segments);
  const right = textsAt(candidate, segments);
  const unmatched = new Map<string, number>();
  for (const text of left) unmatched.set(text, (unmatched.get(text) ?? 0) + 1);
  const rightRest: string[] = [];
  for (const text of right) {
    const n = unmatched.get(text) ?? 0;
    if (n > 0) unmatched.set(text, n - 1);
    else rightRest.push(text);
  }
  const leftRest = [...unmatched].flatMap(([text, n]) => Array.from({ length: n }, () => text));
  return leftRest.length > 0 && rightRest.length > 0 ? [leftRest.join('\n'), rightRest.join('\n')] : null;
}

/** Strings at every location a pointer with `*` matches (array indices and object keys). */
export function textsAt(document: unknown, segments: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (value: unknown, depth: number): void => {
    if (depth === segments.length) {
      if (typeof value === 'string') found.push(value);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const segment = segments[depth]!;
    if (segment === WILDCARD) {
      for (const child of Array.isArray(value) ? value : Object.values(value)) walk(child, depth + 1);
    } else {
      walk(readAt(value, [segment]), depth + 1);
    }
  };
  walk(document, 0);
  return found;
}

/** Bounded: the walk visits at most this many values (bodies are already bounded by compareLimits). */
const MAX_VISITS = 100_000;

/** `text` and `display` strings under a medication element (medicationCodeableConcept, a Medication's code). */
export function medicationNames(document: unknown, probe?: FactWalkProbe): string[] {
  const names: string[] = [];
  let visits = 0;
  const walk = (value: unknown, underMedication: boolean): void => {
    if (++visits > MAX_VISITS || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, underMedication);
      return;
    }
    const record = value as Record<string, unknown>;
    for (const [key, child] of Object.entries(record)) {
      if (underMedication && (key === 'text' || key === 'display') && typeof child === 'string') names.push(child);
      else walk(child, underMedication || /^medication/i.test(key) || (record.resourceType === 'Medication' && key === 'code'));
    }
  };
  walk(document, false);
  if (probe) probe.visits += Math.min(visits, MAX_VISITS);
  return names;
}
