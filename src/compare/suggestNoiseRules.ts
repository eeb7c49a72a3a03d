// Noise learning: differences between two legacy answers to the same request are not regressions of
// the new service, they are fields that change by themselves (timestamps, request ids). Suggestions
// are restricted to the kinds actually seen, so a noisy `changed` timestamp that later turns into
// null (kind 'type') is still reported. Nothing here edits a route: a person accepts a suggestion.
import type { BodyDifferenceKind } from './compareConfigSchema.ts';
import type { DifferenceKind } from './types.ts';

export interface NoiseObservation {
  /** Template pointer, as in DifferenceRecord. */
  readonly pointer: string;
  readonly kind: DifferenceKind;
  readonly count: number;
}

export interface NoiseSuggestion {
  readonly pointer: string;
  readonly kinds: readonly BodyDifferenceKind[];
  readonly count: number;
  /** The `compare.ignore` entry to paste into the route file. */
  readonly rule: { readonly pointer: string; readonly kinds: readonly BodyDifferenceKind[] };
}

const BODY_KINDS: ReadonlySet<DifferenceKind> = new Set(['changed', 'added', 'removed', 'type']);

/**
 * One suggestion per pointer, most frequent first. Status and header noise is left out: an ignore
 * rule only applies to bodies (a noisy header belongs off the route's header allowlist).
 */
export function suggestNoiseRules(observations: readonly NoiseObservation[], options: { readonly minCount?: number } = {}): NoiseSuggestion[] {
  const byPointer = new Map<string, { kinds: Set<BodyDifferenceKind>; count: number }>();
  for (const { pointer, kind, count } of observations) {
    if (!BODY_KINDS.has(kind) || count <= 0) continue;
    const entry = byPointer.get(pointer) ?? { kinds: new Set(), count: 0 };
    entry.kinds.add(kind as BodyDifferenceKind);
    entry.count += count;
    byPointer.set(pointer, entry);
  }
  const suggestions: NoiseSuggestion[] = [];
  for (const [pointer, { kinds, count }] of byPointer) {
    if (count < (options.minCount ?? 1)) continue;
    const sorted = [...kinds].sort();
    suggestions.push({ pointer, kinds: sorted, count, rule: { pointer, kinds: sorted } });
  }
  return suggestions.sort((a, b) => b.count - a.count || (a.pointer < b.pointer ? -1 : 1));
}
