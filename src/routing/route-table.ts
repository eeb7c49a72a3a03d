// The route table, compiled once at start and on every hot reload. Matching is pure and cheap:
// one split of the raw path and a scan of the routes that could match by segment count.
import type { RouteConfig } from '../config/load-routes.ts';
import { parsePathPattern, type PatternSegment } from './path-pattern.ts';

export interface CompiledRoute {
  readonly config: RouteConfig;
  readonly id: string;
  /** The pattern as written: the only form of the path telemetry may carry. */
  readonly template: string;
  readonly methods: ReadonlySet<string> | 'any';
  readonly segments: readonly PatternSegment[];
  readonly hasRest: boolean;
}

export interface RouteTable {
  readonly routes: readonly CompiledRoute[];
}

export interface RouteMatch {
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
      } satisfies CompiledRoute;
    }),
  };
}

/** First route (in file order) whose method and pattern match the raw request target. */
export function matchRoute(table: RouteTable, method: string, rawUrl: string): RouteMatch | undefined {
  if (table.routes.length === 0 || rawUrl.charCodeAt(0) !== 47 /* '/' */) return undefined;
  const queryAt = rawUrl.indexOf('?');
  const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const parts = path.slice(1).split('/');
  for (const route of table.routes) {
    if (route.methods !== 'any' && !route.methods.has(method)) continue;
    const params = matchSegments(route, parts);
    if (params) return { route, params };
  }
  return undefined;
}

function matchSegments(route: CompiledRoute, parts: readonly string[]): Record<string, string> | undefined {
  const { segments } = route;
  if (route.hasRest ? parts.length < segments.length - 1 : parts.length !== segments.length) return undefined;
  let params: Record<string, string> | undefined;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.kind === 'rest') break;
    const part = parts[i]!;
    if (segment.kind === 'literal') {
      if (part !== segment.value) return undefined;
    } else {
      if (part === '') return undefined;
      (params ??= {})[segment.name] = part;
    }
  }
  return params ?? EMPTY;
}

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});
