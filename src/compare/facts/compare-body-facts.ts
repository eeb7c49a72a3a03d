// The route's `facts` fields compared by what they state (compare-clinical-facts.ts), as
// Differences the store can keep: at <field pointer>/@fact/<category> (`/summary/@fact/dose`, or
// `/@fact/dose` for a whole text body), kind fact-missing / fact-added / fact-changed, the fact's
// value kept only to be HMAC'd. `@fact` cannot collide with a JSON field of a FHIR-like document
// (no key starts with @), and the category is a word a clinician reads.
//
// The vocabulary of medications is the route's formulary plus the medications either response
// names in structured fields (medicationCodeableConcept.text, coding display): a summary is
// checked against the drugs the same answer talks about.
import type { FactPointer } from '../compile-compare-rules.ts';
import { formatPointer, readAt } from '../pointer.ts';
import type { Difference } from '../types.ts';
import { compareClinicalFacts } from './compare-clinical-facts.ts';

export const FACT_SEGMENT = '@fact';

export function compareBodyFacts(control: unknown, candidate: unknown, facts: readonly FactPointer[], formulary: readonly string[]): Difference[] {
  if (facts.length === 0) return [];
  const medications = [...formulary, ...medicationNames(control), ...medicationNames(candidate)];
  const differences: Difference[] = [];
  for (const { segments } of facts) {
    const a = readAt(control, segments);
    const b = readAt(candidate, segments);
    // Not text on both sides: the structural diff reports the removal or the type change.
    if (typeof a !== 'string' || typeof b !== 'string') continue;
    for (const found of compareClinicalFacts(a, b, { medications })) {
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

/** Bounded: the walk visits at most this many values (bodies are already bounded by compareLimits). */
const MAX_VISITS = 100_000;

/** `text` and `display` strings under a medication element (medicationCodeableConcept, a Medication's code). */
export function medicationNames(document: unknown): string[] {
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
  return names;
}
