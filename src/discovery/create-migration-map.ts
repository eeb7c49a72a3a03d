// The migration map: what of the monolith is still unmigrated. Every request Ficus answers is
// counted under its method and a PHI-safe path template, with volume, errors and a latency
// histogram, so the CTO sees which endpoints carry the traffic and which route to write next.
//
// PHI safety: a path segment is shown literally only when it is a known endpoint word, or when the
// traffic proves it is one — its position under the same parent has held at most `maxWordsPerPosition`
// distinct words over at least `literalAfter` requests (a chart's surname position fills with many
// names long before that). Until then it is '*'. Raw words are held in memory only, never exported.
// Bounded: at most `maxTemplates` tracked shapes; anything beyond is counted as overflow.
import { createHistogram, mergeHistogram, percentile, recordLatency, type Histogram } from '../store/histogram.ts';
import { BUILT_IN_VOCABULARY, classifyPathSegment } from './classify-path-segment.ts';

export type ServedAs = 'new' | 'shadow' | 'canary' | 'legacy-route' | 'unmatched';

export interface MapOptions {
  readonly routeWords?: readonly string[];
  readonly maxTemplates?: number;
  readonly maxWordsPerPosition?: number;
  readonly literalAfter?: number;
}

export interface MapEntry {
  readonly method: string;
  readonly template: string;
  readonly requests: number;
  readonly errors: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** Share of all requests seen, 0..1. */
  readonly share: number;
}

export interface MigrationMapSnapshot {
  readonly total: number;
  readonly byServedAs: Readonly<Record<ServedAs, number>>;
  /** Unmatched endpoints, most requested first. */
  readonly unmigrated: readonly MapEntry[];
  readonly overflow: number;
}

interface Shape {
  readonly method: string;
  readonly segments: readonly string[];
  requests: number;
  errors: number;
  readonly latency: Histogram;
}

export interface MigrationMap {
  observe(request: { method: string; rawPath: string; servedAs: ServedAs; failed: boolean; latencyMs: number }): void;
  snapshot(limit?: number): MigrationMapSnapshot;
}

/** The literal segments of the route files' paths: endpoint words the map may show from the start. */
export function routeWordsOf(routes: readonly { readonly match: { readonly path: string } }[]): string[] {
  return routes.flatMap((r) => r.match.path.split('/').filter((s) => s && !s.startsWith(':') && s !== '*'));
}

export function createMigrationMap(options: MapOptions = {}): MigrationMap {
  const vocabulary = new Set([...BUILT_IN_VOCABULARY, ...(options.routeWords ?? [])]);
  const maxTemplates = options.maxTemplates ?? 2_000;
  const maxWords = options.maxWordsPerPosition ?? 5;
  const literalAfter = options.literalAfter ?? 200;
  const shapes = new Map<string, Shape>();
  /** parent key → word → requests; a position past maxWords distinct words is data from then on. */
  const positions = new Map<string, Map<string, number> | 'data'>();
  const byServedAs: Record<ServedAs, number> = { new: 0, shadow: 0, canary: 0, 'legacy-route': 0, unmatched: 0 };
  let total = 0;
  let overflow = 0;

  // A position is named by what precedes it with only endpoint words kept: the words after
  // /patients/<surname> and after /patients/<mrn> share one position, so a surname cannot hide
  // its own subtree from the cardinality count.
  const parentKey = (method: string, before: readonly string[]): string =>
    `${method} /${before.map((s) => (vocabulary.has(s) ? s : '*')).join('/')}`;

  const segmentsOf = (method: string, rawPath: string): string[] => {
    const path = rawPath.split('?')[0] ?? '/';
    const out: string[] = [];
    for (const segment of path.split('/').slice(1)) {
      const parent = parentKey(method, out);
      const cls = classifyPathSegment(segment, vocabulary);
      if (cls.kind === 'data') { out.push('*'); continue; }
      if (cls.known) { out.push(segment); continue; }
      let words = positions.get(parent);
      if (words === 'data') { out.push('*'); continue; }
      words ??= new Map();
      words.set(segment, (words.get(segment) ?? 0) + 1);
      if (words.size > maxWords) {
        positions.set(parent, 'data');
        out.push('*');
        continue;
      }
      positions.set(parent, words);
      out.push(segment);
    }
    return out;
  };

  /** The exported form: words not yet proven by traffic are '*'. */
  const displayOf = (shape: Shape): string => {
    const shown: string[] = [];
    shape.segments.forEach((segment, i) => {
      if (segment === '*' || vocabulary.has(segment)) { shown.push(segment); return; }
      const words = positions.get(parentKey(shape.method, shape.segments.slice(0, i)));
      const proven = words !== undefined && words !== 'data' && (words.get(segment) ?? 0) >= literalAfter;
      shown.push(proven ? segment : '*');
    });
    return `/${shown.join('/')}`;
  };

  return {
    observe({ method, rawPath, servedAs, failed, latencyMs }) {
      total += 1;
      byServedAs[servedAs] += 1;
      if (servedAs !== 'unmatched') return;
      const segments = segmentsOf(method, rawPath);
      const key = `${method} /${segments.join('/')}`;
      let shape = shapes.get(key);
      if (!shape) {
        if (shapes.size >= maxTemplates) { overflow += 1; return; }
        shape = { method, segments, requests: 0, errors: 0, latency: createHistogram() };
        shapes.set(key, shape);
      }
      shape.requests += 1;
      if (failed) shape.errors += 1;
      recordLatency(shape.latency, latencyMs);
    },
    snapshot(limit = 50) {
      const merged = new Map<string, { method: string; template: string; requests: number; errors: number; latency: Histogram }>();
      for (const shape of shapes.values()) {
        const template = displayOf(shape);
        const key = `${shape.method} ${template}`;
        const entry = merged.get(key) ?? { method: shape.method, template, requests: 0, errors: 0, latency: createHistogram() };
        entry.requests += shape.requests;
        entry.errors += shape.errors;
        mergeHistogram(entry.latency, shape.latency);
        merged.set(key, entry);
      }
      const unmigrated = [...merged.values()]
        .sort((a, b) => b.requests - a.requests || a.template.localeCompare(b.template))
        .slice(0, limit)
        .map(({ latency, ...e }) => ({ ...e, p50Ms: percentile(latency, 0.5), p99Ms: percentile(latency, 0.99), share: total === 0 ? 0 : e.requests / total }));
      return { total, byServedAs: { ...byServedAs }, unmigrated, overflow };
    },
  };
}

/** How the map counts an exchange: by the mode its route was in, or unmatched. */
export function servedAsOf(summary: { readonly route?: unknown; readonly decision?: { readonly mode: string } }): ServedAs {
  if (!summary.route || !summary.decision) return 'unmatched';
  const mode = summary.decision.mode;
  return mode === 'new' || mode === 'shadow' || mode === 'canary' ? mode : 'legacy-route';
}
