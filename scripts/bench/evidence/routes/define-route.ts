// Route specs list only what is particular to them; everything else is "none".
import { INJECTION_PLAN } from '../inject-difference.ts';
import type { Injection, RouteSpec } from '../route-spec.ts';

type Particular = Pick<RouteSpec, 'id' | 'matchPath' | 'stickiness' | 'url' | 'document'> & Partial<RouteSpec>;

export function defineRoute(spec: Particular): RouteSpec {
  return {
    noise: [], shuffled: [], unordered: [], keyed: {}, numeric: {}, timestamp: {}, dataMaps: [], written: {},
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    ...spec,
  };
}

/** FHIR search Bundles: a per-call bundle id and time, and a per-call time on every resource. */
export const BUNDLE_NOISE = [
  { pointer: '/id', kind: 'uuid' },
  { pointer: '/meta/lastUpdated', kind: 'timestamp' },
  { pointer: '/entry/*/resource/meta/lastUpdated', kind: 'timestamp' },
] as const;

export const FHIR_HEADERS = { 'content-type': 'application/fhir+json', 'cache-control': 'no-store' };

/**
 * The plan for formats whose values carry no JSON type (HL7 v2, XML, FHIR XML against JSON): every
 * kind and place of INJECTION_PLAN but `type`, and `tolerance` (their routes declare none).
 */
export const UNTYPED_PLAN: readonly Injection[] = INJECTION_PLAN.filter((i) => i.kind !== 'type' && i.where !== 'tolerance');
