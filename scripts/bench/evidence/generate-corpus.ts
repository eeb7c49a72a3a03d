// The corpus: for every route, learning cases (clean traffic while noise is learned), clean
// evaluation cases (no real difference: only noise, order and in-tolerance jitter) and dirty
// evaluation cases (one entry of the injection plan each), with the ground truth of every injected
// difference and of every noise field and noisy array. Deterministic: one seed, one corpus.
import { seededRandom } from '../../../src/demo/shared/prng.ts';
import { hexId } from './clinical-values.ts';
import { injectDifference, INJECTION_PLAN, type Injection, type Truth } from './inject-difference.ts';
import type { NewAnswer } from './render-response.ts';
import type { JsonObject, RouteSpec } from './route-spec.ts';

export type Phase = 'learning' | 'clean' | 'dirty';

export interface Case {
  readonly route: RouteSpec;
  readonly phase: Phase;
  readonly url: string;
  /** What legacy knows about this patient. */
  readonly base: JsonObject;
  /** What the new service answers (the same document unless the case is dirty). */
  readonly answer: NewAnswer;
  readonly truth: readonly Truth[];
}

/** Something legacy varies by itself that noise learning should find. */
export interface NoiseItem {
  readonly route: string;
  readonly pointer: string;
  /** 'order' for an array legacy shuffles; otherwise the body difference kinds the noise produces. */
  readonly kinds: readonly ('changed' | 'added' | 'removed' | 'order')[];
}

export interface Corpus {
  readonly seed: string;
  readonly routes: readonly RouteSpec[];
  readonly cases: readonly Case[];
  readonly noise: readonly NoiseItem[];
  /** Request URL → case, for the upstreams. */
  readonly byUrl: ReadonlyMap<string, Case>;
}

export interface CorpusOptions {
  readonly seed: string;
  readonly routes: readonly RouteSpec[];
  /** Cases per route in each phase. */
  readonly learning: number;
  readonly clean: number;
  /** Dirty cases per route: the plan's entries, in order (default: the whole plan, and `precision` where numbers are written). */
  readonly plan?: readonly Injection[];
}

export function generateCorpus(options: CorpusOptions): Corpus {
  const cases: Case[] = [];
  for (const route of options.routes) {
    const make = (phase: Phase, n: number, injection?: Injection): Case => {
      const random = seededRandom(`${options.seed}:${route.id}:${phase}:${n}`);
      const key = `${phase[0]}${String(n).padStart(4, '0')}x${hexId(random, 6)}`;
      const base = route.document(random, key);
      if (!injection) return { route, phase, url: route.url(key), base, answer: { doc: base, status: 200, headers: route.headers }, truth: [] };
      const injected = injectDifference(route, base, injection, random);
      return { route, phase, url: route.url(key), base, answer: injected, truth: injected.truth };
    };
    for (let n = 0; n < options.learning; n++) cases.push(make('learning', n));
    for (let n = 0; n < options.clean; n++) cases.push(make('clean', n));
    const plan = options.plan ?? route.plan ?? [...INJECTION_PLAN, ...(Object.keys(route.written).length ? [{ kind: 'precision' } as const] : [])];
    plan.forEach((injection, n) => cases.push(make('dirty', n, injection)));
  }
  return { seed: options.seed, routes: options.routes, cases, noise: noiseItemsOf(options.routes), byUrl: new Map(cases.map((c) => [c.url, c])) };
}

function noiseItemsOf(routes: readonly RouteSpec[]): NoiseItem[] {
  return routes.flatMap((route) => [
    ...route.noise.map((field): NoiseItem => ({ route: route.id, pointer: field.pointer, kinds: field.kind === 'optional' ? ['added', 'removed'] : ['changed'] })),
    ...route.shuffled.map((pointer): NoiseItem => ({ route: route.id, pointer, kinds: ['order'] })),
  ]);
}
