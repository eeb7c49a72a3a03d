// The evidence corpus is its own ground truth, so it must be reproducible and honest: the same seed
// gives the same bytes, clean cases agree with legacy, and every dirty case changes what it claims.
import { describe, expect, it } from 'vitest';
import { generateCorpus } from '../../scripts/bench/evidence/generate-corpus.ts';
import { INJECTION_PLAN } from '../../scripts/bench/evidence/inject-difference.ts';
import { ALL_ROUTES } from '../../scripts/bench/evidence/routes/all-routes.ts';

describe('the evidence corpus', () => {
  const corpus = generateCorpus({ seed: 'corpus-test', routes: ALL_ROUTES, learning: 1, clean: 2 });

  it('is the same for the same seed and another for another seed', () => {
    const again = generateCorpus({ seed: 'corpus-test', routes: ALL_ROUTES, learning: 1, clean: 2 });
    const other = generateCorpus({ seed: 'corpus-other', routes: ALL_ROUTES, learning: 1, clean: 2 });
    const bytes = (c: typeof corpus) => JSON.stringify(c.cases.map((k) => [k.url, k.base, k.answer, k.truth]));
    expect(bytes(again)).toBe(bytes(corpus));
    expect(bytes(other)).not.toBe(bytes(corpus));
  });

  it('has at least 20 routes, 200 injected differences of every kind and noise on every route', () => {
    expect(corpus.routes.length).toBeGreaterThanOrEqual(20);
    const truths = corpus.cases.flatMap((c) => c.truth);
    expect(truths.length).toBeGreaterThanOrEqual(200);
    expect(new Set(truths.map((t) => t.kind))).toEqual(new Set(['changed', 'added', 'removed', 'type', 'precision', 'status', 'header', 'order', 'fact-missing', 'fact-added', 'fact-changed']));
    expect(truths.filter((t) => t.where === 'reordered').length).toBeGreaterThan(50);
    for (const route of corpus.routes) expect(corpus.noise.some((n) => n.route === route.id), route.id).toBe(true);
  });

  it('gives clean cases the document legacy has, and every dirty case a different answer with its truth', () => {
    for (const c of corpus.cases) {
      const same = JSON.stringify(c.answer.doc) === JSON.stringify(c.base) && c.answer.status === 200 && c.answer.headers === c.route.headers;
      if (c.phase === 'dirty') {
        expect(same, c.url).toBe(false);
        expect(c.truth.length, c.url).toBeGreaterThan(0);
      } else {
        expect(same, c.url).toBe(true);
        expect(c.truth).toEqual([]);
      }
    }
    const planned = corpus.routes.reduce((n, r) => n + (r.plan?.length ?? INJECTION_PLAN.length + (Object.keys(r.written).length > 0 ? 1 : 0)), 0);
    expect(corpus.cases.filter((c) => c.phase === 'dirty')).toHaveLength(planned);
  });

  it('covers every wire format with injected differences and noise', () => {
    for (const format of ['json', 'hl7v2', 'xml', 'fhir xml/json', 'text facts']) {
      const routes = corpus.routes.filter((r) => (r.wire?.name ?? 'json') === format).map((r) => r.id);
      expect(routes.length, format).toBeGreaterThan(0);
      expect(corpus.cases.filter((c) => routes.includes(c.route.id)).flatMap((c) => c.truth).length, format).toBeGreaterThanOrEqual(10);
      expect(corpus.noise.filter((n) => routes.includes(n.route)).length, format).toBeGreaterThan(0);
    }
  });
});
