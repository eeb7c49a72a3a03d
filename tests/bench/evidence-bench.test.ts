// The evidence benchmark measures, end to end, on a corpus small enough for the suite: a real Ficus
// in front of the corpus upstreams finds the difference injected into a new-service answer at its
// pointer and kind, does not flag the clean pairs once the learned noise is accepted, and the
// scorer counts what it misses and what it invents.
import { describe, expect, it } from 'vitest';
import { generateCorpus } from '../../scripts/bench/evidence/generate-corpus.ts';
import type { Injection } from '../../scripts/bench/evidence/route-spec.ts';
import { runEvidenceBench } from '../../scripts/bench/evidence/run-evidence-bench.ts';
import { ALL_ROUTES } from '../../scripts/bench/evidence/routes/all-routes.ts';
import { defineRoute } from '../../scripts/bench/evidence/routes/define-route.ts';
import { scoreEvidence } from '../../scripts/bench/evidence/score-evidence.ts';
import { signatureOf } from '../../scripts/bench/evidence/read-evidence.ts';

/** One flat clinical document with one noisy field: nothing the comparison can get wrong by order. */
const ALLERGY_CARD = defineRoute({
  id: 'allergy-card', matchPath: '/api/patients/:id/allergy-card', stickiness: { path: 'id' }, url: (key) => `/api/patients/${key}/allergy-card`,
  document: (random, key) => ({ patientId: key, printedAt: '', substance: random() < 0.5 ? 'penicillin' : 'latex', severity: 'severe', verified: true, reactions: 2 }),
  noise: [{ pointer: '/printedAt', kind: 'timestamp' }],
});

describe('npm run bench:evidence on a tiny corpus', () => {
  it('finds an injected difference at its pointer and kind, flags no clean pair, and learns the noise', async () => {
    const corpus = generateCorpus({ seed: 'test', routes: [ALLERGY_CARD], learning: 4, clean: 6, plan: [{ kind: 'changed', where: 'anywhere' }, { kind: 'status' }] });
    const observed = await runEvidenceBench({ corpus, concurrency: 2 });
    const score = scoreEvidence(corpus, observed);

    expect(observed.suggestions.get('allergy-card')).toEqual([{ type: 'ignore', pointer: '/printedAt', kinds: ['changed'] }]);
    expect(score.noiseLearned).toBe(1);
    const [changed, status] = observed.dirty;
    expect(changed!.case.truth).toHaveLength(1);
    const truth = changed!.case.truth[0]!;
    expect(changed!.recorded).toEqual(new Map([[signatureOf(truth.pointer, 'changed'), 1]]));
    expect(status!.recorded).toEqual(new Map([[signatureOf('/status', 'status'), 1]]));
    expect(score).toMatchObject({ injected: 2, found: 2, cleanCompared: 6, falseAlarms: 0, phantomsInDirty: 0, phantomsInClean: 0 });
    expect(score.targets.every((t) => t.met)).toBe(true);
  });

  it('finds a changed OBX value in an HL7 v2 message and a dropped dose in generated text, and never reports MSH-7/MSH-10 or rewording', async () => {
    const part = (id: string, plan: Injection[]) => generateCorpus({ seed: 'formats', routes: [ALL_ROUTES.find((r) => r.id === id)!], learning: 4, clean: 6, plan });
    const hl7 = part('hl7-oru', [{ kind: 'changed', where: 'reordered' }]);
    const text = part('discharge-summary', [{ kind: 'custom', name: 'dose-dropped' }]);
    const cases = [...hl7.cases, ...text.cases];
    const kept = { ...hl7, routes: [...hl7.routes, ...text.routes], cases, noise: [...hl7.noise, ...text.noise], byUrl: new Map(cases.map((c) => [c.url, c])) };
    const observed = await runEvidenceBench({ corpus: kept, concurrency: 2 });
    const score = scoreEvidence(kept, observed);
    expect(observed.dirty.map((o) => [o.case.route.id, [...o.recorded.keys()]])).toEqual([
      ['hl7-oru', [signatureOf(observed.dirty[0]!.case.truth[0]!.pointer, 'changed')]],
      ['discharge-summary', [signatureOf('/summary/@fact/dose', 'fact-missing')]],
    ]);
    expect(score).toMatchObject({ falseAlarms: 0, phantomsInDirty: 0, phantomsInClean: 0 });
    expect(score.cleanCompared).toBe(12);
  });

  it('counts a difference Ficus did not record as missed and one the truth does not name as a phantom', () => {
    const corpus = generateCorpus({ seed: 'test', routes: [ALLERGY_CARD], learning: 0, clean: 0, plan: [{ kind: 'changed', where: 'anywhere' }] });
    const dirtyCase = corpus.cases[0]!;
    const counters = { compared: 1, mismatched: 1, uncomparable: 0, skipped: 0, skippedBy: {} };
    const score = scoreEvidence(corpus, {
      suggestions: new Map([['allergy-card', [{ type: 'ignore', pointer: '/substance', kinds: ['changed'] }]]]),
      clean: { sent: 1, counters: { ...counters, mismatched: 0 }, byRoute: new Map([['allergy-card', { ...counters, mismatched: 0 }]]), recorded: new Map() },
      dirty: [{ case: dirtyCase, recorded: new Map([['/verifiedBy added', 1]]), counters }],
      seconds: { learning: 0, clean: 0, dirty: 0, total: 0 },
    });
    expect(score).toMatchObject({ injected: 1, found: 0, phantomsInDirty: 1, noiseLearned: 0 });
    expect(score.wrongSuggestions).toEqual([{ route: 'allergy-card', rule: { type: 'ignore', pointer: '/substance', kinds: ['changed'] } }]);
    expect(score.targets.filter((t) => !t.met).map((t) => t.name)).toEqual(['recall (pointer + kind)', 'phantom differences', 'noise learned']);
    expect(score.byFormat).toEqual([{ format: 'json', routes: 1, injected: 1, found: 0, cleanCompared: 1, falseAlarms: 0, phantoms: 1, noiseItems: 1, noiseLearned: 0 }]);
  });
});
