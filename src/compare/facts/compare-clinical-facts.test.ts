import { describe, expect, it } from 'vitest';
import { compareClinicalFacts } from './compare-clinical-facts.ts';
import { extractClinicalFacts } from './extract-clinical-facts.ts';

const vocabulary = { medications: ['insulin glargine', 'insulin lispro', 'insulin', 'metformin', 'lisinopril', 'penicillin'] };
const kinds = (a: string, b: string) => compareClinicalFacts(a, b, vocabulary).map((d) => `${d.kind} ${d.category}`).sort();

const LEGACY = 'Patient seen on 2026-11-29. Continue insulin glargine 20 units at bedtime and metformin 500 mg BID. '
  + 'Denies chest pain. No fever. Allergic to penicillin.';

describe('compareClinicalFacts', () => {
  it('a summary dropping "insulin glargine 20 units at bedtime" reports the dose, frequency and medication missing', () => {
    const dropped = 'Patient seen on 2026-11-29. Continue metformin 500 mg BID. Denies chest pain. No fever. Allergic to penicillin.';
    expect(kinds(LEGACY, dropped)).toEqual(['fact-missing dose', 'fact-missing frequency', 'fact-missing medication']);
  });

  it('a reworded summary with the same facts matches', () => {
    const reworded = 'Seen 11/29/2026: keep metformin 500 milligrams twice daily; insulin glargine 20 units nightly. '
      + 'The patient denies chest pain and has no fever. Allergies: penicillin.';
    expect(kinds(LEGACY, reworded)).toEqual([]);
  });

  it('a changed dose of the same medication is one fact-changed, not a missing and an added', () => {
    const changed = LEGACY.replace('20 units', '30 units');
    const found = compareClinicalFacts(LEGACY, changed, vocabulary);
    expect(found).toEqual([{ kind: 'fact-changed', category: 'dose', controlValue: '20 units', candidateValue: '30 units' }]);
  });

  it('a flipped negation is a missing negation', () => {
    expect(kinds(LEGACY, LEGACY.replace('Denies chest pain', 'Reports chest pain'))).toEqual(['fact-missing negation']);
  });

  it('keeps decimals in doses and does not split sentences at a decimal point', () => {
    const facts = extractClinicalFacts('Give insulin lispro 2.5 units q4-6h PRN.', vocabulary);
    expect(facts).toContainEqual({ category: 'dose', anchor: 'insulin lispro', value: '2.5 units' });
    expect(facts).toContainEqual({ category: 'frequency', anchor: 'insulin lispro', value: 'q4-6h' });
    expect(facts).toContainEqual({ category: 'frequency', anchor: 'insulin lispro', value: 'prn' });
    expect(facts.filter((f) => f.category === 'medication')).toEqual([{ category: 'medication', anchor: 'insulin lispro', value: 'insulin lispro' }]);
  });

  it('no known drug allergies is an allergy fact, not a negation', () => {
    const facts = extractClinicalFacts('NKDA. No known drug allergies.', vocabulary);
    expect(facts.every((f) => f.category === 'allergy')).toBe(true);
    expect(kinds('NKDA.', 'Allergic to penicillin.')).toEqual(['fact-added allergy', 'fact-missing allergy']);
  });
});
