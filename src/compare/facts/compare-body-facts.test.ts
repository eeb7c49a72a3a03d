// `compare: { facts }` through compareResponses and toDifferenceRecords: the facts of a generated
// summary are compared, its wording is not, and only HMACs of fact values reach a record.
import { describe, expect, it } from 'vitest';
import { compareResponses } from '../compare-responses.ts';
import { compileCompareRules } from '../compile-compare-rules.ts';
import { toDifferenceRecords } from '../to-difference-records.ts';
import type { CapturedResponse } from '../types.ts';
import { compareBodyFacts, medicationNames, type FactWalkProbe } from './compare-body-facts.ts';
import { extractClinicalFacts, type FactVocabulary } from './extract-clinical-facts.ts';

const key = { id: 'k1', secret: Buffer.alloc(32, 5) };
const LEGACY = 'Seen on 2026-11-29. Continue insulin glargine 20 units at bedtime and metformin 500 mg BID. Denies chest pain. No fever. Allergic to penicillin.';
const DROPPED = 'Seen on 2026-11-29. Continue metformin 500 mg BID. Denies chest pain. No fever. Allergic to penicillin.';
const REWORDED = 'Visit 11/29/2026: keep metformin 500 milligrams twice daily; insulin glargine 20 units nightly. The patient denies chest pain and has no fever. Allergies: penicillin.';

const json = (summary: string): CapturedResponse => ({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ resourceType: 'Basic', summary })), truncated: false });
const text = (body: string): CapturedResponse => ({ status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(body), truncated: false });
const stored = async (a: CapturedResponse, b: CapturedResponse, config: unknown) => {
  const comparison = compareResponses(a, b, await compileCompareRules(config, { baseDir: import.meta.dirname }));
  return { comparison, records: toDifferenceRecords('patient-summary', 'shadow', comparison.differences, key, comparison.format) };
};
const signatures = (records: readonly { kind: string; pointer: string }[]) => records.map((r) => `${r.kind} ${r.pointer}`).sort();

describe('facts in a JSON text field', () => {
  it('a summary dropping "insulin glargine 20 units at bedtime" is fact-missing for the dose and the medication, at /summary/@fact/<category>', async () => {
    const { records } = await stored(json(LEGACY), json(DROPPED), { facts: ['/summary'], formulary: 'testdata/formulary.txt' });
    expect(signatures(records)).toEqual(['fact-missing /summary/@fact/dose', 'fact-missing /summary/@fact/frequency', 'fact-missing /summary/@fact/medication']);
  });

  it('a reworded summary with the same facts matches', async () => {
    expect((await stored(json(LEGACY), json(REWORDED), { facts: ['/summary'], formulary: 'testdata/formulary.txt' })).comparison.verdict).toBe('match');
  });

  it('without facts the same reworded summary is a changed string: the rule is what makes wording free', async () => {
    expect(signatures((await stored(json(LEGACY), json(REWORDED), {})).records)).toEqual(['changed /summary']);
  });

  it('learns medication names from the response itself when there is no formulary', async () => {
    const withOrder = (summary: string): CapturedResponse => ({ ...json(summary), body: Buffer.from(JSON.stringify({ summary, orders: [{ medicationCodeableConcept: { text: 'insulin glargine' } }] })) });
    const { records } = await stored(withOrder(LEGACY), withOrder(LEGACY.replace('20 units', '30 units')), { facts: ['/summary'] });
    expect(signatures(records)).toEqual(['fact-changed /summary/@fact/dose']);
  });

  it('stores the HMAC of the fact value, never the text', async () => {
    const { records } = await stored(json(LEGACY), json(DROPPED), { facts: ['/summary'], formulary: 'testdata/formulary.txt' });
    const dose = records.find((r) => r.pointer === '/summary/@fact/dose')!;
    expect(dose).toMatchObject({ controlType: 'string', candidateType: 'absent', candidateHmac: null });
    expect(dose.controlHmac).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(records)).not.toMatch(/insulin|glargine|20 units/);
  });

  it('a summary that disappears is still removed, not silently equal', async () => {
    const gone: CapturedResponse = { ...json(''), body: Buffer.from('{"resourceType":"Basic"}') };
    expect(signatures((await stored(json(LEGACY), gone, { facts: ['/summary'] })).records)).toEqual(['removed /summary']);
  });
});

describe('facts in a text/* body', () => {
  it("facts: [''] compares a whole text body by its facts at /@fact/<category>", async () => {
    const config = { facts: [''], formulary: 'testdata/formulary.txt' };
    expect((await stored(text(LEGACY), text(REWORDED), config)).comparison.verdict).toBe('match');
    const flipped = await stored(text(LEGACY), text(LEGACY.replace('Denies chest pain', 'Reports chest pain')), config);
    expect(signatures(flipped.records)).toEqual(['fact-missing /@fact/negation']);
  });
});

describe('the facts configuration', () => {
  it('refuses a malformed facts pointer and a formulary that cannot be read, naming the key', async () => {
    await expect(compileCompareRules({ facts: ['summary'] }, { baseDir: import.meta.dirname })).rejects.toThrow(/compare\.facts\.0/);
    await expect(compileCompareRules({ facts: ['/summary'], formulary: 'missing.txt' }, { baseDir: import.meta.dirname })).rejects.toThrow(/compare\.formulary/);
  });

  it('takes medication names only from medication elements', () => {
    const bundle = { entry: [{ resource: { resourceType: 'MedicationRequest', medicationCodeableConcept: { text: 'metformin', coding: [{ display: 'Metformin 500 MG' }] }, note: [{ text: 'take with food' }] } }, { resource: { resourceType: 'Medication', code: { text: 'lisinopril' }, form: { text: 'tablet' } } }] };
    expect(medicationNames(bundle).sort()).toEqual(['Metformin 500 MG', 'lisinopril', 'metformin']);
  });
});

describe('facts at every match of a pointer with *', () => {
  const notes = (...texts: string[]): CapturedResponse => ({ ...json(''), body: Buffer.from(JSON.stringify({ notes: texts.map((text, i) => ({ author: `n${i}`, text })) })) });
  const config = { facts: ['/notes/*/text'], formulary: 'testdata/formulary.txt', arrays: { '/notes': 'unordered' } };
  const OTHER = 'Continue lisinopril 10 mg daily. No cough.';

  it('finds a dose dropped from one note and stores it at the templated pointer', async () => {
    const { records } = await stored(notes(LEGACY, OTHER), notes(DROPPED, OTHER), config);
    expect(signatures(records)).toEqual(['fact-missing /notes/*/text/@fact/dose', 'fact-missing /notes/*/text/@fact/frequency', 'fact-missing /notes/*/text/@fact/medication']);
  });

  it('a reworded note, or the notes in another order, is no difference', async () => {
    expect((await stored(notes(LEGACY, OTHER), notes(OTHER, REWORDED), config)).comparison.verdict).toBe('match');
  });

  it('walks every match of a FHIR Bundle narrative, keyed entries in another order included', async () => {
    const bundle = (entries: [string, string][]): CapturedResponse => ({ ...json(''), body: Buffer.from(JSON.stringify({ resourceType: 'Bundle', entry: entries.map(([id, div]) => ({ resource: { resourceType: 'Composition', id, text: { status: 'generated', div } } })) })) });
    const fhir = { facts: ['/entry/*/resource/text/div'], formulary: 'testdata/formulary.txt', preset: 'fhir-r4' };
    expect((await stored(bundle([['c1', LEGACY], ['c2', OTHER]]), bundle([['c2', OTHER], ['c1', REWORDED]]), fhir)).comparison.verdict).toBe('match');
    const changed = await stored(bundle([['c1', LEGACY], ['c2', OTHER]]), bundle([['c2', OTHER.replace('10 mg', '20 mg')], ['c1', LEGACY]]), fhir);
    expect(signatures(changed.records)).toEqual(['fact-changed /entry/*/resource/text/div/@fact/dose']);
  });
});

describe('what the facts comparison reads (counts, not time)', () => {
  const doc = (summary: string, note: string) => ({ generatedAt: 'x', summary, plan: note, orders: [{ medicationCodeableConcept: { text: 'insulin glargine' } }] });
  const segments = (pointer: string) => ({ pointer, segments: pointer.split('/').slice(1) });

  it('walks no document for medication names when no fact text differs', () => {
    const probe: FactWalkProbe = { visits: 0 };
    expect(compareBodyFacts(doc(LEGACY, OTHER_NOTE), { ...doc(LEGACY, OTHER_NOTE), generatedAt: 'y' }, [segments('/summary'), segments('/plan')], [], probe)).toEqual([]);
    expect(probe.visits).toBe(0);
  });

  it('walks each document once however many fact fields differ', () => {
    const once: FactWalkProbe = { visits: 0 };
    medicationNames(doc(LEGACY, OTHER_NOTE), once);
    medicationNames(doc(DROPPED, REWORDED), once);
    const probe: FactWalkProbe = { visits: 0 };
    const found = compareBodyFacts(doc(LEGACY, OTHER_NOTE), doc(DROPPED, REWORDED), [segments('/summary'), segments('/plan')], [], probe);
    expect(found.length).toBeGreaterThan(0);
    expect(probe.visits).toBe(once.visits);
  });

  it('prepares a vocabulary\'s medication names once, not once per sentence', () => {
    let reads = 0;
    const names = ['insulin glargine', 'metformin', 'lisinopril'];
    const vocabulary: FactVocabulary = { get medications() { reads += 1; return names; } };
    const text = Array.from({ length: 20 }, (_, i) => `Continue metformin ${500 + i} mg BID.`).join(' ');
    extractClinicalFacts(text, vocabulary);
    extractClinicalFacts(LEGACY, vocabulary);
    expect(reads).toBe(1);
  });
});

const OTHER_NOTE = 'Continue lisinopril 10 mg daily.';
