// The migration map: what of the monolith is still unmigrated. Every request Ficus answers is
// counted under its method and a PHI-safe path template, with volume, errors and a latency
// histogram, so the CTO sees which endpoints carry the traffic and which route to write next.
//
// PHI safety: a path segment is kept only when it is an endpoint word — a literal segment of the
// route files or a word of the built-in API vocabulary. Everything else is '*' from the moment the
// request is counted: traffic can never prove a word an endpoint, because one busy chart would
// prove its patient's surname (`/patients/quigglesworth/summary` read 200 times).
// Bounded: at most `maxTemplates` tracked shapes; anything beyond is counted as overflow.
import { createHistogram, mergeHistogram, percentile, recordLatency, type Histogram } from '../store/histogram.ts';
import { BUILT_IN_VOCABULARY, classifyPathSegment } from './classify-path-segment.ts';

export type ServedAs = 'new' | 'shadow' | 'canary' | 'legacy-route' | 'unmatched';

export interface MapOptions {
  readonly routeWords?: readonly string[];
  readonly maxTemplates?: number;
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
  /** The route files' words after a reload: they apply to requests counted from then on. */
  setRouteWords(words: readonly string[]): void;
}

/** The literal segments of the route files' paths: endpoint words the map may show from the start. */
export function routeWordsOf(routes: readonly { readonly match: { readonly path: string } }[]): string[] {
  return routes.flatMap((r) => r.match.path.split('/').filter((s) => s && !s.startsWith(':') && s !== '*'));
}

export function createMigrationMap(options: MapOptions = {}): MigrationMap {
  let vocabulary = new Set([...BUILT_IN_VOCABULARY, ...(options.routeWords ?? [])]);
  const maxTemplates = options.maxTemplates ?? 2_000;
  const shapes = new Map<string, Shape>();
  const byServedAs: Record<ServedAs, number> = { new: 0, shadow: 0, canary: 0, 'legacy-route': 0, unmatched: 0 };
  let total = 0;
  let overflow = 0;

  // Only endpoint words are kept; everything else is '*' before it is even held in memory.
  const segmentsOf = (rawPath: string): string[] =>
    (rawPath.split('?')[0] ?? '/').split('/').slice(1).map((segment) => {
      const cls = classifyPathSegment(segment, vocabulary);
      return cls.kind === 'word' && cls.known ? segment : '*';
    });

  // A word a reload removed from the route files is no longer shown for shapes recorded before.
  const displayOf = (shape: Shape): string => `/${shape.segments.map((s) => (vocabulary.has(s) ? s : '*')).join('/')}`;

  return {
    setRouteWords(words) {
      vocabulary = new Set([...BUILT_IN_VOCABULARY, ...words]);
    },
    observe({ method, rawPath, servedAs, failed, latencyMs }) {
      total += 1;
      byServedAs[servedAs] += 1;
      if (servedAs !== 'unmatched') return;
      const segments = segmentsOf(rawPath);
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
