// Noise learning: differences between two legacy answers to the same request are not regressions of
// the new service, they are fields that change by themselves (timestamps, request ids) or arrays
// legacy returns in any order. Nothing here edits a route: a person accepts a suggestion, so each
// one carries its evidence and says what accepting it would stop reporting.
//
// - An array seen in another order (kind 'order') gets `arrays: unordered`, never ignores on its
//   element fields: after those, a real change inside the elements would never be reported again.
// - A field gets an ignore restricted to the kinds seen, so a noisy timestamp that later turns
//   null (kind 'type') is still reported. Added and removed count as one kind: the two legacy
//   answers are interchangeable, so a field seen appearing is a field that disappears too.
// - A pointer through an unproven key (`~k:…`, template-pointer.ts) is no suggestion: the key is
//   hidden, so no rule could name it; once the route's documents prove the key, the noise is
//   recorded at its name and suggested then.
import type { BodyDifferenceKind } from './compare-config-schema.ts';
import { UNPROVEN_KEY } from './template-pointer.ts';
import type { DifferenceKind } from './types.ts';

export interface NoiseObservation {
  /** Template pointer, as in DifferenceRecord. */
  readonly pointer: string;
  readonly kind: DifferenceKind;
  /** Legacy pairs in which this difference was seen. */
  readonly count: number;
}

/** A stored shadow difference, as far as "what would accepting hide" needs it. */
export interface RecordedDifference {
  readonly pointer: string;
  readonly kind: DifferenceKind;
  readonly count: number;
}

export type IgnoreSuggestionRule = { readonly pointer: string; readonly kinds: readonly BodyDifferenceKind[] };
export type ArraySuggestionRule = { readonly arrays: Readonly<Record<string, 'unordered'>> };

export interface NoiseSuggestion {
  readonly pointer: string;
  /** Kinds the ignore rule covers; empty for an array policy. */
  readonly kinds: readonly BodyDifferenceKind[];
  /** Legacy pairs that differed here (same as evidence.pairsDiffering). */
  readonly count: number;
  /** Which part of the route's `compare:` block the rule goes in. */
  readonly section: 'ignore' | 'arrays';
  /** The entry to paste: a `compare.ignore` entry, or a `compare.arrays` entry. */
  readonly rule: IgnoreSuggestionRule | ArraySuggestionRule;
  readonly evidence: { readonly pairsSeen: number | null; readonly pairsDiffering: number };
  /** In words, what accepting stops reporting. */
  readonly hides: string;
  /** Shadow differences already recorded that accepting would have hidden; null when not asked. */
  readonly wouldHide: number | null;
}

export interface SuggestOptions {
  readonly minCount?: number;
  /** Legacy pairs compared for the route, when the caller knows it. */
  readonly pairsSeen?: number;
  /** The route's recorded shadow differences, to count what each suggestion would have hidden. */
  readonly shadowDifferences?: readonly RecordedDifference[];
}

const BODY_KINDS: ReadonlySet<DifferenceKind> = new Set(['changed', 'added', 'removed', 'type', 'precision']);

/**
 * One suggestion per pointer, most frequent first. Status and header noise is left out: an ignore
 * rule only applies to bodies (a noisy header belongs off the route's header allowlist).
 */
export function suggestNoiseRules(observations: readonly NoiseObservation[], options: SuggestOptions = {}): NoiseSuggestion[] {
  const fields = new Map<string, { kinds: Set<BodyDifferenceKind>; count: number }>();
  const orders = new Map<string, number>();
  for (const { pointer, kind, count } of observations) {
    // A key no document had proven a field yet (`~k:<hmac8>`) names no rule anyone could write.
    if (count <= 0 || pointer.includes(`/${UNPROVEN_KEY}:`)) continue;
    if (kind === 'order') orders.set(pointer, (orders.get(pointer) ?? 0) + count);
    if (!BODY_KINDS.has(kind)) continue;
    const entry = fields.get(pointer) ?? { kinds: new Set(), count: 0 };
    entry.kinds.add(kind as BodyDifferenceKind);
    if (kind === 'added' || kind === 'removed') entry.kinds.add('added').add('removed');
    entry.count += count;
    fields.set(pointer, entry);
  }
  const minCount = options.minCount ?? 1;
  const suggestions: NoiseSuggestion[] = [];
  for (const [pointer, count] of orders) {
    if (count >= minCount) suggestions.push(finish({ pointer, kinds: [], count, section: 'arrays', rule: { arrays: { [pointer]: 'unordered' } } }, options));
  }
  for (const [pointer, { kinds, count }] of fields) {
    if (count < minCount) continue;
    const sorted = [...kinds].sort();
    suggestions.push(finish({ pointer, kinds: sorted, count, section: 'ignore', rule: { pointer, kinds: sorted } }, options));
  }
  return suggestions.sort((a, b) => b.count - a.count || (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0));
}

type Draft = Pick<NoiseSuggestion, 'pointer' | 'kinds' | 'count' | 'section' | 'rule'>;

function finish(draft: Draft, options: SuggestOptions): NoiseSuggestion {
  const pairsSeen = options.pairsSeen ?? null;
  return {
    ...draft,
    // Several rows (one per pair of JSON types) can come from one pair: never more than were seen.
    evidence: { pairsSeen, pairsDiffering: pairsSeen === null ? draft.count : Math.min(draft.count, pairsSeen) },
    hides: draft.section === 'arrays'
      ? `the order of the elements of ${draft.pointer} (differences inside its elements are still reported)`
      : `${draft.kinds.join(', ')} differences at ${draft.pointer || 'the whole body'} and below`,
    wouldHide: options.shadowDifferences ? countHiddenDifferences(draft, options.shadowDifferences) : null,
  };
}

/**
 * How many recorded shadow differences a suggestion would have hidden had it been accepted when
 * they were recorded: "would have hidden N differences recorded on new".
 */
export function countHiddenDifferences(suggestion: Pick<NoiseSuggestion, 'pointer' | 'kinds' | 'section'>, recorded: readonly RecordedDifference[]): number {
  let hidden = 0;
  for (const row of recorded) {
    const hides = suggestion.section === 'arrays'
      ? row.kind === 'order' && row.pointer === suggestion.pointer
      : (suggestion.kinds as readonly DifferenceKind[]).includes(row.kind) && isAtOrBelow(row.pointer, suggestion.pointer);
    if (hides) hidden += row.count;
  }
  return hidden;
}

/** Template pointers segment by segment; a '*' in the rule matches any segment (as rules do). */
function isAtOrBelow(pointer: string, rule: string): boolean {
  if (rule === '') return true;
  const segments = pointer.split('/');
  const ruleSegments = rule.split('/');
  if (segments.length < ruleSegments.length) return false;
  return ruleSegments.every((segment, k) => segment === '*' || segment === segments[k]);
}
