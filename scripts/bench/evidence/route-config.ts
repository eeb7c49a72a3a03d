// The route file a team would write for each corpus route before shadowing it: what it knows up
// front (compared headers, arrays it knows are order-free, tolerances), plus whatever the CTO has
// accepted from the noise suggestions since. Written as JSON inside YAML (YAML is a superset), so
// no pointer needs quoting rules.
import type { RouteSpec } from './route-spec.ts';

/** What accepting noise suggestions added to a route's compare block. */
export interface AcceptedRules {
  readonly ignore: readonly ({ readonly pointer: string; readonly kinds?: readonly string[] } | string)[];
  readonly arrays: Readonly<Record<string, unknown>>;
}

export const NO_ACCEPTED_RULES: AcceptedRules = { ignore: [], arrays: {} };

export function compareBlock(spec: RouteSpec, accepted: AcceptedRules, noiseSample: number): Record<string, unknown> {
  const arrays: Record<string, unknown> = { ...accepted.arrays };
  for (const pointer of spec.unordered) arrays[pointer] = 'unordered';
  for (const [pointer, key] of Object.entries(spec.keyed)) arrays[pointer] = { keyed: key };
  const tolerance = { ...(Object.keys(spec.numeric).length ? { numeric: spec.numeric } : {}), ...(Object.keys(spec.timestamp).length ? { timestamp: spec.timestamp } : {}) };
  return {
    headers: Object.keys(spec.headers),
    ...(Object.keys(arrays).length ? { arrays } : {}),
    ...(Object.keys(tolerance).length ? { tolerance } : {}),
    ...(accepted.ignore.length ? { ignore: accepted.ignore } : {}),
    ...(Object.keys(spec.written).length ? { precision: true } : {}),
    ...spec.compare,
    ...(noiseSample > 0 ? { noise: { sample: noiseSample } } : {}),
  };
}

export function routesYaml(routes: readonly RouteSpec[], accepted: ReadonlyMap<string, AcceptedRules>, noiseSample: number): string {
  const lines = ['routes:'];
  for (const spec of routes) {
    lines.push(
      `  - id: ${spec.id}`,
      `    match: { methods: [GET], path: ${spec.matchPath} }`,
      '    new: next',
      `    flag: ${flagOf(spec)}`,
      `    stickiness: ${JSON.stringify(spec.stickiness)}`,
      // A copy per request and room for every copy: the benchmark measures comparison, not sampling.
      '    shadow: { concurrency: 256 }',
      `    compare: ${JSON.stringify(compareBlock(spec, accepted.get(spec.id) ?? NO_ACCEPTED_RULES, noiseSample))}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function upstreamsYaml(legacyUrl: string, newUrl: string): string {
  return `upstreams:\n  legacy:\n    url: ${legacyUrl}\n  next:\n    url: ${newUrl}\n`;
}

export function flagOf(spec: RouteSpec): string {
  return `ficus.${spec.id}`;
}
