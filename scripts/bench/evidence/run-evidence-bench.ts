// The benchmark's three phases against a real Ficus:
//   1. learning   clean traffic, every request also sent to legacy a second time (noise learning);
//   2. accepting  every noise suggestion from GET /api/noise goes into its route file (see
//                 accept-noise.ts), noise sampling off, Ficus hot-reloads;
//   3. evaluation clean cases in bulk (every mismatch is a false alarm), then the dirty cases one
//                 per route at a time, so each recorded difference is attributed to its request.
// It returns raw observations; score-evidence.ts turns them into figures.
import type { Corpus, Case } from './generate-corpus.ts';
import { acceptedRulesOf, readSuggestions, type SuggestedRule } from './accept-noise.ts';
import { counterDelta, differenceDelta, readCounters, readDifferences, settled, sumCounters, type CounterSnapshot, type RouteCounters } from './read-evidence.ts';
import { NO_ACCEPTED_RULES, routesYaml, type AcceptedRules } from './route-config.ts';
import { startBenchFicus, type BenchFicus } from './start-bench-ficus.ts';
import { startCorpusUpstreams } from './start-corpus-upstreams.ts';

export interface DirtyOutcome {
  readonly case: Case;
  /** `pointer kind` → count recorded for this request. */
  readonly recorded: ReadonlyMap<string, number>;
  readonly counters: RouteCounters;
}

export interface BenchObservations {
  readonly suggestions: ReadonlyMap<string, readonly SuggestedRule[]>;
  readonly clean: { readonly sent: number; readonly counters: RouteCounters; readonly byRoute: ReadonlyMap<string, RouteCounters>; readonly recorded: ReadonlyMap<string, ReadonlyMap<string, number>> };
  readonly dirty: readonly DirtyOutcome[];
  readonly seconds: { readonly learning: number; readonly clean: number; readonly dirty: number; readonly total: number };
}

export interface RunOptions {
  readonly corpus: Corpus;
  /** Client requests in flight at once in the bulk phases. */
  readonly concurrency?: number;
  readonly progress?: (line: string) => void;
}

export async function runEvidenceBench(options: RunOptions): Promise<BenchObservations> {
  const { corpus } = options;
  const progress = options.progress ?? (() => {});
  const started = performance.now();
  const upstreams = await startCorpusUpstreams(corpus);
  const bench = await startBenchFicus({ routes: corpus.routes, routesYaml: routesYaml(corpus.routes, new Map(), 1), legacyUrl: upstreams.legacyUrl, newUrl: upstreams.newUrl });
  try {
    const phase = (phaseName: Case['phase']) => corpus.cases.filter((c) => c.phase === phaseName);
    const learningCases = phase('learning');
    progress(`learning: ${learningCases.length} requests, each also asked of legacy twice`);
    await sendAll(bench, learningCases, options.concurrency ?? 8);
    await waitSettled(bench, new Map(), countByRoute(learningCases));
    await waitFor(() => (upstreams.calls.legacy.get('noise') ?? 0) >= learningCases.length, 'noise probes');
    await settle(bench);
    const learnedAt = performance.now();

    const suggestions = new Map<string, readonly SuggestedRule[]>();
    const accepted = new Map<string, AcceptedRules>();
    for (const route of corpus.routes) {
      const rules = await readSuggestions(bench.admin, route.id);
      suggestions.set(route.id, rules);
      accepted.set(route.id, rules.length ? acceptedRulesOf(rules) : NO_ACCEPTED_RULES);
    }
    progress(`accepting ${[...suggestions.values()].reduce((n, s) => n + s.length, 0)} noise suggestions into the route files`);
    await bench.writeRoutes(routesYaml(corpus.routes, accepted, 0));

    const cleanCases = phase('clean');
    progress(`evaluation: ${cleanCases.length} clean requests`);
    const beforeClean = await readCounters(bench.admin);
    const diffsBefore = await readAllDifferences(bench, corpus);
    await sendAll(bench, cleanCases, options.concurrency ?? 8);
    const afterClean = await waitSettled(bench, beforeClean, countByRoute(cleanCases));
    const diffsAfter = await readAllDifferences(bench, corpus);
    const cleanByRoute = new Map(corpus.routes.map((r) => [r.id, counterDelta(beforeClean.get(r.id), afterClean.get(r.id))]));
    const cleanCounters = sumCounters([...cleanByRoute.values()]);
    const cleanRecorded = new Map(corpus.routes.map((r) => [r.id, differenceDelta(diffsBefore.get(r.id)!, diffsAfter.get(r.id)!)]));
    const cleanDoneAt = performance.now();

    const dirtyCases = phase('dirty');
    progress(`evaluation: ${dirtyCases.length} requests with injected differences, one per route at a time`);
    const dirty = await runDirtyRounds(bench, corpus, dirtyCases, afterClean, diffsAfter);
    const end = performance.now();
    return {
      suggestions,
      clean: { sent: cleanCases.length, counters: cleanCounters, byRoute: cleanByRoute, recorded: cleanRecorded },
      dirty,
      seconds: { learning: (learnedAt - started) / 1000, clean: (cleanDoneAt - learnedAt) / 1000, dirty: (end - cleanDoneAt) / 1000, total: (end - started) / 1000 },
    };
  } finally {
    await bench.close();
    await upstreams.close();
  }
}

async function runDirtyRounds(bench: BenchFicus, corpus: Corpus, cases: readonly Case[], counters: CounterSnapshot, diffs: Map<string, ReadonlyMap<string, number>>): Promise<DirtyOutcome[]> {
  const queues = new Map(corpus.routes.map((r) => [r.id, cases.filter((c) => c.route.id === r.id)]));
  const outcomes: DirtyOutcome[] = [];
  let before = counters;
  for (let round = 0; ; round++) {
    const batch = [...queues.values()].map((q) => q[round]).filter((c): c is Case => c !== undefined);
    if (batch.length === 0) return outcomes;
    await Promise.all(batch.map((c) => send(bench, c)));
    const after = await waitSettled(bench, before, countByRoute(batch));
    for (const c of batch) {
      const now = await readDifferences(bench.admin, c.route.id);
      outcomes.push({ case: c, recorded: differenceDelta(diffs.get(c.route.id)!, now), counters: counterDelta(before.get(c.route.id), after.get(c.route.id)) });
      diffs.set(c.route.id, now);
    }
    before = after;
  }
}

async function send(bench: BenchFicus, c: Case): Promise<void> {
  const res = await fetch(`${bench.proxyUrl}${c.url}`);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${c.url}: legacy answered ${res.status} through Ficus; the corpus serves 200`);
}

async function sendAll(bench: BenchFicus, cases: readonly Case[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < cases.length) await send(bench, cases[next++]!);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function countByRoute(cases: readonly Case[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of cases) counts.set(c.route.id, (counts.get(c.route.id) ?? 0) + 1);
  return counts;
}

/**
 * Flushes and re-reads until every route has settled `expected` more pairs than in `before`, and
 * nothing moves any more: a drop counted twice (a known Ficus bug) must not end the wait early.
 */
async function waitSettled(bench: BenchFicus, before: CounterSnapshot, expected: ReadonlyMap<string, number>): Promise<CounterSnapshot> {
  const deadline = Date.now() + 120_000;
  const total = (snapshot: CounterSnapshot) => [...snapshot.values()].reduce((n, c) => n + settled(c), 0);
  for (;;) {
    await bench.ficus.flush();
    const now = await readCounters(bench.admin);
    if ([...expected].every(([route, n]) => settled(now.get(route)) - settled(before.get(route)) >= n)) {
      await new Promise((r) => setTimeout(r, 50));
      await bench.ficus.flush();
      const again = await readCounters(bench.admin);
      if (total(again) === total(now)) return again;
    }
    if (Date.now() > deadline) throw new Error('comparisons did not settle within 120 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function settle(bench: BenchFicus): Promise<void> {
  await new Promise((r) => setTimeout(r, 200));
  await bench.ficus.flush();
}

async function waitFor(probe: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function readAllDifferences(bench: BenchFicus, corpus: Corpus): Promise<Map<string, ReadonlyMap<string, number>>> {
  return new Map(await Promise.all(corpus.routes.map(async (r) => [r.id, await readDifferences(bench.admin, r.id)] as const)));
}
