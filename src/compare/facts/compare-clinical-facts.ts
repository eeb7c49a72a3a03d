// Compares the clinical facts of two texts: the same facts in other words is a match; a fact only
// control states is `fact-missing`, one only candidate states is `fact-added`, and a dose or frequency
// of the same medication with another value is `fact-changed`. Facts are compared as sets per
// (category, anchor): repeating a fact is wording, not a new assertion.
import { extractClinicalFacts, type ClinicalFact, type FactCategory, type FactVocabulary } from './extract-clinical-facts.ts';
import type { FactDifferenceKind } from '../types.ts';

export type { FactDifferenceKind } from '../types.ts';

export interface FactDifference {
  readonly kind: FactDifferenceKind;
  readonly category: FactCategory;
  /** Values are kept only to be HMAC'd, like every difference's values; never stored in clear. */
  readonly controlValue?: string;
  readonly candidateValue?: string;
}

/** Categories whose facts belong to a medication, so a different value is a change of that fact. */
const ANCHORED: ReadonlySet<FactCategory> = new Set(['dose', 'frequency']);

export function compareClinicalFacts(control: string, candidate: string, vocabulary: FactVocabulary): FactDifference[] {
  const a = groupFacts(extractClinicalFacts(control, vocabulary));
  const b = groupFacts(extractClinicalFacts(candidate, vocabulary));
  const differences: FactDifference[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const left = a.get(key) ?? { category: categoryOf(key), values: new Set<string>() };
    const right = b.get(key)?.values ?? new Set<string>();
    const missing = [...left.values].filter((v) => !right.has(v));
    const added = [...right].filter((v) => !left.values.has(v));
    const anchored = ANCHORED.has(left.category) && anchorOf(key) !== '';
    while (anchored && missing.length > 0 && added.length > 0) {
      differences.push({ kind: 'fact-changed', category: left.category, controlValue: missing.shift()!, candidateValue: added.shift()! });
    }
    for (const value of missing) differences.push({ kind: 'fact-missing', category: left.category, controlValue: value });
    for (const value of added) differences.push({ kind: 'fact-added', category: left.category, candidateValue: value });
  }
  return differences;
}

interface FactGroup {
  readonly category: FactCategory;
  readonly values: Set<string>;
}

function groupFacts(facts: readonly ClinicalFact[]): Map<string, FactGroup> {
  const groups = new Map<string, FactGroup>();
  for (const fact of facts) {
    const key = `${fact.category}\u0000${fact.anchor}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { category: fact.category, values: new Set() }));
    group.values.add(fact.value);
  }
  return groups;
}

const categoryOf = (key: string): FactCategory => key.split('\u0000')[0] as FactCategory;
const anchorOf = (key: string): string => key.split('\u0000')[1] ?? '';
