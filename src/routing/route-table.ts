// The route table, compiled once at start and on every hot reload. Matching is pure and cheap:
// one split of the raw path and a scan of the routes that could match by segment count.
// Parameters never carry path structure: a segment a route would capture (`:param` or under `*`)
// that is `.`/`..` or holds a slash or backslash in any encoding refuses the route (path-structure.ts).
// The caller sends such a request to legacy untouched, as if nothing matched, and counts it.
import type { RouteConfig } from '../config/load-routes.ts';
import { parsePathPattern, type PatternSegment } from './path-pattern.ts';
import { findPathStructure, type PathRefusalReason } from './path-structure.ts';

export interface CompiledRoute {
  readonly config: RouteConfig;
  readonly id: string;
  /** The pattern as written: the only form of the path telemetry may carry. */
  readonly template: string;
  readonly methods: ReadonlySet<string> | 'any';
  readonly segments: readonly PatternSegment[];
  readonly hasRest: boolean;
  readonly paramNames: readonly string[];
}

export interface RouteTable {
  readonly routes: readonly CompiledRoute[];
}

export interface RouteMatch {
  readonly kind: 'matched';
  readonly route: CompiledRoute;
  /** Raw (still percent-encoded) parameter values. Patient data: never log them. */
  readonly params: Readonly<Record<string, string>>;
}

export function compileRouteTable(routes: readonly RouteConfig[]): RouteTable {
  return {
    routes: routes.map((config) => {
      const parsed = parsePathPattern(config.match.path);
      if (!parsed.ok) throw Object.assign(new Error(`route ${config.id}: ${parsed.message}`), { code: 'ROUTE_PATTERN' });
      const methods = config.match.methods.includes('*') ? 'any' : new Set(config.match.methods);
      return {
        config,
        id: config.id,
        template: config.match.path,
        methods,
        segments: parsed.segments,
        hasRest: parsed.segments.some((s) => s.kind === 'rest'),
        paramNames: parsed.params,
      } satisfies CompiledRoute;
    }),
  };
}

/** A route whose shape the target matched, refused because a captured segment carries path structure. */
export interface PathRefusal {
  readonly kind: 'refused';
  readonly route: CompiledRoute;
  readonly reason: PathRefusalReason;
}

/**
 * First route (in file order) whose method and pattern match the raw request target; a refusal
 * when that route would capture path structure; undefined when nothing matches. A refusal stops
 * the scan: a later route could only capture the same segment (literals never hold structure).
 */
export function matchRoute(table: RouteTable, method: string, rawUrl: string): RouteMatch | PathRefusal | undefined {
  if (table.routes.length === 0 || rawUrl.charCodeAt(0) !== 47 /* '/' */) return undefined;
  const queryAt = rawUrl.indexOf('?');
  const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const parts = path.slice(1).split('/');
  for (const route of table.routes) {
    if (route.methods !== 'any' && !route.methods.has(method)) continue;
    const params = matchSegments(route, parts);
    if (params === undefined) continue;
    if (typeof params === 'string') return { kind: 'refused', route, reason: params };
    return { kind: 'matched', route, params };
  }
  return undefined;
}

function matchSegments(route: CompiledRoute, parts: readonly string[]): Record<string, string> | PathRefusalReason | undefined {
  const { segments } = route;
  if (route.hasRest ? parts.length < segments.length - 1 : parts.length !== segments.length) return undefined;
  let params: Record<string, string> | undefined;
  let rest = parts.length;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.kind === 'rest') {
      rest = i;
      break;
    }
    const part = parts[i]!;
    if (segment.kind === 'literal') {
      if (part !== segment.value) return undefined;
    } else {
      if (part === '') return undefined;
      (params ??= {})[segment.name] = part;
    }
  }
  // Checked only once the shape matched, and only what the route captures: unmatched traffic pays nothing.
  for (const name of route.paramNames) {
    const refused = findPathStructure(params![name]!);
    if (refused) return refused;
  }
  for (let i = rest; i < parts.length; i++) {
    const refused = findPathStructure(parts[i]!);
    if (refused) return refused;
  }
  return params ?? EMPTY;
}

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});
