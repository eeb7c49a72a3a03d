// The `fhir-r4` comparison preset: what every FHIR R4 route would otherwise write by hand.
// Server-managed fields are ignored (R4 §3.1.0.1 Resource.meta: versionId and lastUpdated change on
// every write and differ between servers); repeating elements whose identity is a key are keyed by
// it, so a reordered list is not a difference: identifier by system+value, coding by system+code,
// extension by url, Bundle entries by resource type + id. `fhir-r4-searchset` adds what only a
// search Bundle's envelope carries (its own id, meta, paging links, entry fullUrl and search score).
//
// The rule language's `*` matches one segment, so "identifier anywhere" is spelled out to the depths
// FHIR resources use (resource, backbone element, nested backbone), under a resource and under a
// Bundle entry's or a contained resource. Route rules are merged after the preset and win.
// Decimals are compared with their written precision (compare.precision) and date/dateTime/instant
// values as the same instant at the same precision (fhir-temporal.ts; compileCompareRules sets it).
import type { CompareConfig } from '../compare-config-schema.ts';

export type ComparePreset = NonNullable<CompareConfig['preset']>;

const RESOURCE_ROOTS = ['', '/entry/*/resource', '/contained/*', '/entry/*/resource/contained/*'];
const DEPTHS = ['', '/*', '/*/*', '/*/*/*'];

function everywhere(element: string): string[] {
  return RESOURCE_ROOTS.flatMap((root) => DEPTHS.map((depth) => `${root}${depth}/${element}`));
}

const KEYED_ELEMENTS: Readonly<Record<string, readonly string[]>> = {
  identifier: ['system', 'value'],
  coding: ['system', 'code'],
  extension: ['url'],
  modifierExtension: ['url'],
};

function fhirR4(): CompareConfig {
  const arrays: Record<string, { keyed: string[] }> = { '/entry': { keyed: ['resource/resourceType', 'resource/id'] } };
  for (const [element, keys] of Object.entries(KEYED_ELEMENTS)) {
    for (const pointer of everywhere(element)) arrays[pointer] = { keyed: [...keys] };
  }
  const ignore = RESOURCE_ROOTS.flatMap((root) => [`${root}/meta/versionId`, `${root}/meta/lastUpdated`]);
  return { ignore, arrays };
}

function fhirR4Searchset(): CompareConfig {
  const base = fhirR4();
  return { ...base, ignore: [...(base.ignore ?? []), '/id', '/meta', '/link', '/entry/*/fullUrl', '/entry/*/search/score'] };
}

export function presetConfig(preset: ComparePreset): CompareConfig {
  return preset === 'fhir-r4' ? fhirR4() : fhirR4Searchset();
}

/** The preset's rules with the route's own merged over them: a route's array or tolerance rule at a pointer replaces the preset's. */
export function withPreset(route: CompareConfig): CompareConfig {
  if (!route.preset) return route;
  const preset = presetConfig(route.preset);
  return {
    ...route,
    // Decimals keep their precision (R4 §2.1.28.0.1: 0.010 is not 0.01) unless the route says otherwise.
    precision: route.precision ?? true,
    ignore: [...(preset.ignore ?? []), ...(route.ignore ?? [])],
    arrays: { ...preset.arrays, ...route.arrays },
    tolerance: {
      numeric: { ...preset.tolerance?.numeric, ...route.tolerance?.numeric },
      timestamp: { ...preset.tolerance?.timestamp, ...route.tolerance?.timestamp },
    },
  };
}
