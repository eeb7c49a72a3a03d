// The evidence behind a route, as the API, CLI and dashboard show it: mode and percent from the
// flag, statistics from the store's rollups, differences and a readiness verdict with reasons.
import type { Kysely } from 'kysely';
import { assessReadiness } from '../compare/assess-readiness.ts';
import type { Readiness, RouteEvidence } from '../compare/evidence.ts';
import { suggestNoiseRules, type NoiseSuggestion } from '../compare/suggest-noise-rules.ts';
import { describeFlag, type FlagState } from '../decision/flag-shape.ts';
import type { FlagSource } from '../decision/flag-source.ts';
import type { RouteConfig } from '../config/load-routes.ts';
import { listDifferences, type DifferenceRow } from '../store/differences.ts';
import { readRouteEvidence } from '../store/route-evidence.ts';
import { listServiceVersions, type ServiceVersion } from '../store/service-versions.ts';
import { describeMatch, type MatchFigures } from './describe-match.ts';
import type { StoreSchema } from '../store/schema.ts';

export interface RouteSummary extends FlagState {
  readonly id: string;
  readonly description: string | null;
  readonly template: string;
  readonly methods: readonly string[];
  readonly flag: string;
  readonly newService: string;
  readonly effectiveMode: string;
  readonly writeMirroring: 'off' | 'dry-run' | 'stopped';
  readonly breaker: string;
  readonly stats: RouteEvidence & MatchFigures;
  readonly readiness: Readiness;
  /** Versions of the new service seen, current (judged) first; empty for an unversioned route. */
  readonly versions: readonly ServiceVersion[];
}

export interface RouteReportDeps {
  readonly db: Kysely<StoreSchema>;
  readonly flags: FlagSource;
  killSwitch(): boolean;
  writeMirroringStopped(route: string): boolean;
  breakerState(route: string): string;
  readonly now: () => Date;
}

export async function summariseRoute(deps: RouteReportDeps, route: RouteConfig, windowMs: number): Promise<RouteSummary> {
  const since = new Date(deps.now().getTime() - windowMs);
  const versioned = route.readiness.versionHeader !== undefined;
  const [evidence, versions] = await Promise.all([
    readRouteEvidence(deps.db, route.id, { since, ...(versioned ? {} : { version: '' }) }),
    versioned ? listServiceVersions(deps.db, route.id) : Promise.resolve([]),
  ]);
  const flag = describeFlag(deps.flags.definition(route.flag));
  const readiness = assessReadiness(evidence, route.readiness);
  return {
    id: route.id,
    description: route.description ?? null,
    template: route.match.path,
    methods: route.match.methods,
    flag: route.flag,
    newService: route.new,
    ...flag,
    effectiveMode: deps.killSwitch() ? 'legacy (kill switch)' : flag.mode,
    writeMirroring: route.shadow.writes === 'never' ? 'off' : deps.writeMirroringStopped(route.id) ? 'stopped' : 'dry-run',
    breaker: deps.breakerState(route.id),
    stats: { ...evidence, ...describeMatch(evidence) },
    readiness,
    versions,
  };
}

export async function listRouteDifferences(db: Kysely<StoreSchema>, route: string | undefined, limit = 200): Promise<DifferenceRow[]> {
  return listDifferences(db, { route, source: 'shadow', limit });
}

export async function listNoiseSuggestions(db: Kysely<StoreSchema>, route: string): Promise<{ route: string; suggestions: NoiseSuggestion[]; observations: DifferenceRow[] }> {
  const [observations, shadowDifferences] = await Promise.all([
    listDifferences(db, { route, source: 'noise', limit: 1000 }),
    // What each suggestion would have hidden on new: the CTO sees the cost of accepting before accepting.
    listDifferences(db, { route, source: 'shadow', limit: 1000 }),
  ]);
  return { route, suggestions: suggestNoiseRules(observations, { shadowDifferences }), observations };
}

/** Parses `1h`, `30m`, `7d` (default 24h) into milliseconds. */
export function parseWindow(value: string | undefined): number {
  const m = /^(\d+)([mhd])$/.exec(value ?? '');
  if (!m) return 24 * 3_600_000;
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
}
