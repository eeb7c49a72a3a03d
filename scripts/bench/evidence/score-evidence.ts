// Turns what the benchmark observed into the four figures of issue 9 and their targets:
//   recall        injected differences recorded at their pointer template and kind
//   false alarms  clean comparisons (no injected difference) Ficus flagged mismatched, after the
//                 noise suggestions were accepted
//   phantoms      recorded differences the ground truth does not explain (in clean and dirty pairs)
//   noise learned noise fields and noisy arrays named exactly by a suggestion of the right kind
//                 (an array only by an order policy: ignoring every field of its elements is not
//                 learning its order)
import type { Corpus, NoiseItem } from './generate-corpus.ts';
import type { SuggestedRule } from './accept-noise.ts';
import { signatureOf } from './read-evidence.ts';
import type { RouteSpec } from './route-spec.ts';
import type { BenchObservations } from './run-evidence-bench.ts';

export interface Target {
  readonly name: string;
  readonly value: number;
  readonly goal: string;
  readonly met: boolean;
}

export interface Miss {
  readonly route: string;
  readonly signature: string;
  readonly count: number;
}

/** The four figures for the routes of one wire format (json, hl7v2, xml, fhir xml/json, text facts). */
export interface FormatScore {
  readonly format: string;
  readonly routes: number;
  readonly injected: number;
  readonly found: number;
  readonly cleanCompared: number;
  readonly falseAlarms: number;
  readonly phantoms: number;
  readonly noiseItems: number;
  readonly noiseLearned: number;
}

export interface EvidenceScore {
  readonly byFormat: readonly FormatScore[];
  readonly injected: number;
  readonly found: number;
  readonly recall: number;
  /** kind or place → [found, injected]. */
  readonly recallBy: ReadonlyMap<string, readonly [number, number]>;
  readonly misses: readonly Miss[];
  /** Dirty requests whose pair was never compared (skipped or uncomparable): their differences count as missed. */
  readonly dirtyNotCompared: number;
  readonly cleanCompared: number;
  readonly cleanSent: number;
  readonly falseAlarms: number;
  readonly falseAlarmRate: number;
  readonly uncomparable: number;
  readonly skipped: number;
  readonly phantomsInDirty: number;
  readonly phantomsInClean: number;
  readonly phantomSignatures: readonly Miss[];
  readonly noiseItems: number;
  readonly noiseLearned: number;
  readonly noiseMissed: readonly NoiseItem[];
  readonly suggestionCount: number;
  readonly wrongSuggestions: readonly { route: string; rule: SuggestedRule }[];
  readonly targets: readonly Target[];
}

export function scoreEvidence(corpus: Corpus, observed: BenchObservations): EvidenceScore {
  let injected = 0;
  let found = 0;
  let phantomsInDirty = 0;
  const recallBy = new Map<string, [number, number]>();
  const misses = new Map<string, Miss>();
  const phantoms = new Map<string, Miss>();
  const tally = (map: Map<string, Miss>, route: string, signature: string, count: number) => {
    const key = `${route} ${signature}`;
    map.set(key, { route, signature, count: (map.get(key)?.count ?? 0) + count });
  };
  for (const outcome of observed.dirty) {
    const truthCounts = new Map<string, number>();
    for (const t of outcome.case.truth) truthCounts.set(signatureOf(t.pointer, t.kind), (truthCounts.get(signatureOf(t.pointer, t.kind)) ?? 0) + 1);
    for (const t of outcome.case.truth) {
      // Found when its pointer template and kind were recorded for this request. Counts are not
      // compared: Ficus merges identical records of one comparison (the same field changed the same
      // way in several elements is one record).
      const signature = signatureOf(t.pointer, t.kind);
      const hit = outcome.recorded.has(signature) ? 1 : 0;
      injected += 1;
      found += hit;
      for (const label of [`kind ${t.kind}`, `in ${t.where}`]) {
        const [f, n] = recallBy.get(label) ?? [0, 0];
        recallBy.set(label, [f + hit, n + 1]);
      }
      if (!hit) tally(misses, outcome.case.route.id, signature, 1);
    }
    // More records at a signature than injections there are phantoms too (a field reported in an
    // element that was not changed, beside the one that was).
    for (const [signature, count] of outcome.recorded) {
      const extra = count - (truthCounts.get(signature) ?? 0);
      if (extra > 0) {
        phantomsInDirty += extra;
        tally(phantoms, outcome.case.route.id, signature, extra);
      }
    }
  }
  let phantomsInClean = 0;
  for (const [route, recorded] of observed.clean.recorded) {
    for (const [signature, count] of recorded) {
      phantomsInClean += count;
      tally(phantoms, route, signature, count);
    }
  }

  const noise = scoreNoise(corpus.noise, observed.suggestions);
  const byFormat = scoreByFormat(corpus, observed, misses, phantoms, noise.missed);
  const { compared, mismatched, uncomparable, skipped } = observed.clean.counters;
  const dirtyNotCompared = observed.dirty.filter((o) => o.counters.compared === 0).length;
  const recall = injected ? found / injected : 0;
  const falseAlarmRate = compared ? mismatched / compared : 1;
  const noiseRate = noise.items ? noise.learned / noise.items : 0;
  const phantomTotal = phantomsInDirty + phantomsInClean;
  const byCount = (a: Miss, b: Miss) => b.count - a.count || (a.route + a.signature < b.route + b.signature ? -1 : 1);
  return {
    byFormat, injected, found, recall, recallBy, misses: [...misses.values()].sort(byCount), dirtyNotCompared,
    cleanCompared: compared, cleanSent: observed.clean.sent, falseAlarms: mismatched, falseAlarmRate, uncomparable, skipped,
    phantomsInDirty, phantomsInClean, phantomSignatures: [...phantoms.values()].sort(byCount),
    noiseItems: noise.items, noiseLearned: noise.learned, noiseMissed: noise.missed, suggestionCount: noise.suggestions, wrongSuggestions: noise.wrong,
    targets: [
      { name: 'recall (pointer + kind)', value: recall, goal: '≥ 99.5%', met: recall >= 0.995 },
      { name: 'false alarms (clean compared flagged)', value: falseAlarmRate, goal: '≤ 0.1%', met: falseAlarmRate <= 0.001 && compared > 0 },
      { name: 'phantom differences', value: phantomTotal, goal: '0', met: phantomTotal === 0 },
      { name: 'noise learned', value: noiseRate, goal: '≥ 95%', met: noiseRate >= 0.95 },
    ],
  };
}

export const formatOfRoute = (route: RouteSpec): string => route.wire?.name ?? 'json';

function scoreByFormat(corpus: Corpus, observed: BenchObservations, misses: ReadonlyMap<string, Miss>, phantoms: ReadonlyMap<string, Miss>, noiseMissed: readonly NoiseItem[]): FormatScore[] {
  const rows = new Map<string, { -readonly [K in keyof FormatScore]: FormatScore[K] }>();
  for (const route of corpus.routes) {
    const format = formatOfRoute(route);
    const row = rows.get(format) ?? { format, routes: 0, injected: 0, found: 0, cleanCompared: 0, falseAlarms: 0, phantoms: 0, noiseItems: 0, noiseLearned: 0 };
    rows.set(format, row);
    const injected = observed.dirty.filter((o) => o.case.route.id === route.id).reduce((n, o) => n + o.case.truth.length, 0);
    const missed = [...misses.values()].filter((m) => m.route === route.id).reduce((n, m) => n + m.count, 0);
    const noiseItems = corpus.noise.filter((n) => n.route === route.id).length;
    const clean = observed.clean.byRoute.get(route.id);
    row.routes += 1;
    row.injected += injected;
    row.found += injected - missed;
    row.cleanCompared += clean?.compared ?? 0;
    row.falseAlarms += clean?.mismatched ?? 0;
    row.phantoms += [...phantoms.values()].filter((p) => p.route === route.id).reduce((n, p) => n + p.count, 0);
    row.noiseItems += noiseItems;
    row.noiseLearned += noiseItems - noiseMissed.filter((n) => n.route === route.id).length;
  }
  return [...rows.values()];
}

function scoreNoise(items: readonly NoiseItem[], suggestions: ReadonlyMap<string, readonly SuggestedRule[]>) {
  // Exact pointers only: a broader rule (`/readings/*/*`) does hide the noise, and every real
  // difference beside it, so it is counted as a wrong suggestion, not as noise learned.
  const covers = (rule: SuggestedRule, item: NoiseItem): boolean => {
    if (rule.pointer !== item.pointer) return false;
    if (item.kinds.includes('order')) return rule.type === 'array';
    return rule.type === 'ignore' && (rule.kinds === null || item.kinds.every((k) => rule.kinds!.includes(k)));
  };
  const missed: NoiseItem[] = [];
  for (const item of items) if (!(suggestions.get(item.route) ?? []).some((rule) => covers(rule, item))) missed.push(item);
  const wrong: { route: string; rule: SuggestedRule }[] = [];
  let count = 0;
  for (const [route, rules] of suggestions) {
    count += rules.length;
    for (const rule of rules) if (!items.some((item) => item.route === route && item.pointer === rule.pointer)) wrong.push({ route, rule });
  }
  return { items: items.length, learned: items.length - missed.length, missed, suggestions: count, wrong };
}
