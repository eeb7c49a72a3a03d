// The evidence corpus writes HL7 v2, XML and generated text from the trees and facts it keeps as
// ground truth. Those writers must be faithful, or the benchmark would measure the writer: every
// spelling of a document decodes (through Ficus's own decoders) to the tree the corpus holds, and
// every wording of a summary states the same facts.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/demo/shared/prng.ts';
import { compileCompareRules } from '../../src/compare/compile-compare-rules.ts';
import { compareResponses } from '../../src/compare/compare-responses.ts';
import { decodeBody } from '../../src/compare/decode-body.ts';
import { compareClinicalFacts } from '../../src/compare/facts/compare-clinical-facts.ts';
import { medicationNames } from '../../src/compare/facts/compare-body-facts.ts';
import { generateCorpus } from '../../scripts/bench/evidence/generate-corpus.ts';
import { ALL_ROUTES } from '../../scripts/bench/evidence/routes/all-routes.ts';
import type { RouteSpec, WireCall } from '../../scripts/bench/evidence/route-spec.ts';
import { writeSummary, type SummaryFacts } from '../../scripts/bench/evidence/wire/summary-wire.ts';

const route = (id: string): RouteSpec => ALL_ROUTES.find((r) => r.id === id)!;
const corpusOf = (id: string) => generateCorpus({ seed: 'wire-test', routes: [route(id)], learning: 0, clean: 6 }).cases;
const call = (seed: string, side: WireCall['side'] = 'legacy'): WireCall => ({ side, random: seededRandom(seed), callMs: Date.UTC(2026, 10, 30) });
const decoded = (body: string | Buffer, contentType: string) => decodeBody({ headers: { 'content-type': contentType }, body: Buffer.isBuffer(body) ? body : Buffer.from(body) });

describe('the corpus wire formats', () => {
  it('HL7 v2: the message written in ISO-8859-1 with escaped delimiters decodes to the corpus tree, MSH-7 and MSH-10 aside', () => {
    for (const c of [...corpusOf('hl7-adt'), ...corpusOf('hl7-oru')]) {
      const { body, contentType } = c.route.wire!.write(c.base, call(c.url));
      const result = decoded(body, contentType);
      if (result.kind !== 'hl7v2') throw new Error(`not decoded: ${JSON.stringify(result)}`);
      const { MSH, ...rest } = result.tree as Record<string, unknown[]>;
      const { MSH: expectedMsh, ...expected } = c.base as Record<string, unknown[]>;
      expect(rest).toEqual(expected);
      const { 7: time, 10: control, ...header } = MSH![0] as Record<string, unknown>;
      expect(header).toEqual(expectedMsh![0]);
      expect(time).toEqual([{ 1: '20261130000000' }]);
      expect(control).toBeDefined();
    }
    const { body } = route('hl7-adt').wire!.write(corpusOf('hl7-adt')[0]!.base, call('x'));
    const text = (body as Buffer).toString('latin1');
    expect(text).toContain('\\T\\');
    expect((body as Buffer).toString('utf8')).not.toBe(text); // ISO-8859-1 bytes, not UTF-8
  });

  it('CDA: every spelling (namespace prefixes, xsi prefix, indentation, attribute order) decodes to the corpus tree', () => {
    const c = corpusOf('cda-discharge')[0]!;
    const bodies = new Set<string>();
    for (let n = 0; n < 12; n++) {
      const { body, contentType } = c.route.wire!.write(c.base, call(`spelling-${n}`));
      bodies.add(String(body));
      const result = decoded(body, contentType);
      if (result.kind !== 'xml') throw new Error(`not decoded: ${JSON.stringify(result)}`);
      expect(result.tree).toEqual(c.base);
    }
    expect(bodies.size).toBeGreaterThan(6);
  });

  it('FHIR: the XML legacy writes and the JSON the new service writes compare equal under format: fhir', async () => {
    const rules = await compileCompareRules({ format: 'fhir', headers: [] }, { baseDir: import.meta.dirname });
    for (const c of corpusOf('fhir-patient-xml')) {
      const side = (s: WireCall['side']) => {
        const { body, contentType } = c.route.wire!.write(c.base, call(c.url, s));
        return { status: 200, headers: { 'content-type': contentType }, body: Buffer.from(body), truncated: false };
      };
      expect(compareResponses(side('legacy'), side('new'), rules).differences).toEqual([]);
    }
  });

  it('generated text: two wordings of the same facts state the same facts', () => {
    for (const c of corpusOf('discharge-summary')) {
      const facts = c.base.summary as unknown as SummaryFacts;
      const medications = medicationNames(c.base);
      for (let n = 0; n < 8; n++) {
        const a = writeSummary(facts, seededRandom(`${c.url}:a${n}`));
        const b = writeSummary(facts, seededRandom(`${c.url}:b${n}`));
        expect(compareClinicalFacts(a, b, { medications }), `${a}\n${b}`).toEqual([]);
      }
    }
  });

  it('generated text: each injected fact is found as its truth says, and nothing else', () => {
    const dirty = generateCorpus({ seed: 'wire-test', routes: [route('discharge-summary')], learning: 0, clean: 0 }).cases.filter((c) => c.truth.some((t) => t.where === 'facts'));
    expect(dirty.length).toBeGreaterThanOrEqual(8);
    for (const c of dirty) {
      const medications = medicationNames(c.base);
      const before = writeSummary(c.base.summary as unknown as SummaryFacts, seededRandom('a'));
      const after = writeSummary(c.answer.doc.summary as unknown as SummaryFacts, seededRandom('b'));
      const found = compareClinicalFacts(before, after, { medications }).map((d) => `/summary/@fact/${d.category} ${d.kind}`).sort();
      expect(found, `${before}\n${after}`).toEqual(c.truth.map((t) => `${t.pointer} ${t.kind}`).sort());
    }
  });
});
