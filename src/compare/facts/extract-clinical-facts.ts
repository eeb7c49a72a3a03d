// The facts a clinician would check in generated text — doses with units, frequencies, dates,
// negations, allergies and medication names — extracted deterministically, without a model, so
// two AI-written summaries can be compared by what they assert rather than by their wording.
//
// Doses and frequencies are anchored to the medication they follow in the same sentence: that is
// what lets "insulin glargine 20 units" → "insulin glargine 30 units" read as one changed fact
// rather than one missing and one added. Unanchored ones are compared as a multiset.

export const FACT_CATEGORIES = ['medication', 'dose', 'frequency', 'date', 'negation', 'allergy'] as const;
export type FactCategory = (typeof FACT_CATEGORIES)[number];

export interface ClinicalFact {
  readonly category: FactCategory;
  /** What the fact is about: the medication for doses/frequencies, else the fact itself. */
  readonly anchor: string;
  /** The normalised value ("20 units", "q8h", "2026-11-30", "absent"). */
  readonly value: string;
}

export interface FactVocabulary {
  /** Medication names to recognise (lowercased on use): those named elsewhere in either response and a formulary. */
  readonly medications: readonly string[];
}

export function createFactVocabulary(medications: readonly string[]): FactVocabulary {
  return { medications };
}

/**
 * A vocabulary's names lowercased, deduplicated and longest first, prepared once per vocabulary
 * object rather than per sentence (a summary of 40 sentences sorted the list 40 times).
 */
const preparedNames = new WeakMap<FactVocabulary, readonly string[]>();

function medicationNamesOf(vocabulary: FactVocabulary): readonly string[] {
  let names = preparedNames.get(vocabulary);
  if (!names) {
    // Longest names first, so "insulin glargine" is not also found as "insulin".
    names = [...new Set(vocabulary.medications.map((n) => n.toLowerCase().trim()).filter((n) => n.length > 2))].sort((a, b) => b.length - a.length);
    preparedNames.set(vocabulary, names);
  }
  return names;
}

const UNITS: Readonly<Record<string, string>> = {
  mg: 'mg', milligram: 'mg', milligrams: 'mg', mcg: 'mcg', 'µg': 'mcg', microgram: 'mcg', micrograms: 'mcg',
  g: 'g', gram: 'g', grams: 'g', ml: 'mL', milliliter: 'mL', milliliters: 'mL', millilitre: 'mL', millilitres: 'mL',
  unit: 'units', units: 'units', iu: 'units', 'mmol/l': 'mmol/L', 'meq': 'mEq', 'mg/dl': 'mg/dL', 'mg/kg': 'mg/kg', puffs: 'puffs', puff: 'puffs',
};

const FREQUENCIES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(?:bid|b\.i\.d\.|twice (?:a |per )?day|twice daily)\b/gi, 'bid'],
  [/\b(?:tid|t\.i\.d\.|three times (?:a |per )?day|three times daily)\b/gi, 'tid'],
  [/\b(?:qid|q\.i\.d\.|four times (?:a |per )?day|four times daily)\b/gi, 'qid'],
  [/\b(?:qhs|at bedtime|nightly|at night)\b/gi, 'qhs'],
  [/\b(?:qd|once daily|once a day|daily|every day)\b/gi, 'daily'],
  [/\b(?:prn|p\.r\.n\.|as needed)\b/gi, 'prn'],
  [/\bweekly\b/gi, 'weekly'],
];

const Q_HOURS = /\b(?:q|every )(\d{1,2})(?:\s*-\s*(\d{1,2}))?\s*(?:h|hr|hrs|hours?)\b/gi;
const DOSE = /(\d+(?:[.,]\d+)?)\s*(mg\/dl|mg\/kg|mmol\/l|meq|milligrams?|micrograms?|millilit(?:er|re)s?|mcg|µg|mg|ml|grams?|g|iu|units?|puffs?)(?![a-z])/gi;
const NEGATION = /\b(?:no|denies|denied|negative for|without|absence of|free of)\s+([a-z][a-z -]{1,40}?)(?=[.,;:]|\s+(?:and|or|but|with|on|at|in)\b|$)/gi;
const ALLERGY = /\b(?:allerg(?:y|ies|ic)\s*(?:to\b|:)\s*)([a-z][a-z ,-]{1,60}?)(?=[.;]|$)/gi;
const ALLERGY_START = /\ballerg(?:y|ies|ic)\b/;
const NKDA = /\b(?:nkda|no known (?:drug )?allergies)\b/i;
const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})\b/g;
const US_DATE = /\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g;

/** All facts in a text, in the order found (duplicates kept: "5 mg" twice is two assertions). */
export function extractClinicalFacts(text: string, vocabulary: FactVocabulary): ClinicalFact[] {
  const facts: ClinicalFact[] = [];
  for (const sentence of splitSentences(text)) facts.push(...factsOfSentence(sentence, vocabulary));
  return facts;
}

function splitSentences(text: string): string[] {
  // A decimal point is not a sentence end ("0.5 mg"); a newline is.
  return text.split(/(?<!\d)[.!?](?!\d)|\n+/).map((s) => s.trim()).filter(Boolean);
}

function factsOfSentence(sentence: string, vocabulary: FactVocabulary): ClinicalFact[] {
  const lower = sentence.toLowerCase();
  const facts: ClinicalFact[] = [];
  // A drug named in an allergy statement is an allergen, not a medication the patient takes.
  const allergyStart = lower.search(ALLERGY_START);
  const medications = findMedications(lower, vocabulary).filter((m) => allergyStart < 0 || m.index < allergyStart);
  for (const m of medications) facts.push({ category: 'medication', anchor: m.name, value: m.name });
  const anchorAt = (index: number): string => {
    // The nearest medication named before this position in the sentence, else none.
    let anchor = '';
    for (const m of medications) if (m.index <= index) anchor = m.name;
    return anchor;
  };
  for (const match of lower.matchAll(DOSE)) {
    const unit = UNITS[match[2]!.toLowerCase()] ?? match[2]!;
    facts.push({ category: 'dose', anchor: anchorAt(match.index), value: `${normaliseNumber(match[1]!)} ${unit}` });
  }
  // "twice daily" is bid, not also daily: a span taken by an earlier (more specific) pattern is skipped.
  const taken: boolean[] = [];
  for (const [pattern, code] of FREQUENCIES) {
    for (const match of lower.matchAll(pattern)) {
      if (taken[match.index]) continue;
      for (let i = match.index; i < match.index + match[0].length; i += 1) taken[i] = true;
      facts.push({ category: 'frequency', anchor: anchorAt(match.index), value: code });
    }
  }
  for (const match of lower.matchAll(Q_HOURS)) {
    facts.push({ category: 'frequency', anchor: anchorAt(match.index), value: match[2] ? `q${match[1]}-${match[2]}h` : `q${match[1]}h` });
  }
  for (const match of lower.matchAll(NEGATION)) {
    const finding = match[1]!.trim().replace(/\s+/g, ' ');
    if (finding === 'known drug allergies' || finding === 'known allergies') continue;
    facts.push({ category: 'negation', anchor: finding, value: 'absent' });
  }
  if (NKDA.test(lower)) facts.push({ category: 'allergy', anchor: 'none known', value: 'none known' });
  for (const match of lower.matchAll(ALLERGY)) {
    for (const allergen of match[1]!.split(/,|\band\b/).map((a) => a.trim()).filter(Boolean)) {
      facts.push({ category: 'allergy', anchor: allergen, value: allergen });
    }
  }
  for (const match of sentence.matchAll(ISO_DATE)) facts.push({ category: 'date', anchor: '', value: `${match[1]}-${match[2]}-${match[3]}` });
  for (const match of sentence.matchAll(US_DATE)) {
    facts.push({ category: 'date', anchor: '', value: `${match[3]}-${match[1]!.padStart(2, '0')}-${match[2]!.padStart(2, '0')}` });
  }
  return facts;
}

function findMedications(lower: string, vocabulary: FactVocabulary): { name: string; index: number }[] {
  const found: { name: string; index: number }[] = [];
  const names = medicationNamesOf(vocabulary);
  const taken: boolean[] = [];
  for (const name of names) {
    let from = 0;
    for (;;) {
      const index = lower.indexOf(name, from);
      if (index < 0) break;
      from = index + name.length;
      const bounded = !/[a-z0-9]/.test(lower.charAt(index - 1)) && !/[a-z0-9]/.test(lower.charAt(index + name.length));
      if (!bounded || taken[index]) continue;
      for (let i = index; i < index + name.length; i += 1) taken[i] = true;
      found.push({ name, index });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

function normaliseNumber(raw: string): string {
  // "20.0" and "20" are the same dose; "0,5" (European decimal comma) is 0.5.
  return String(Number(raw.replace(',', '.')));
}
