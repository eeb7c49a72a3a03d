// How the elements of an array without a policy correspond. Such arrays are compared in order,
// but the explanation with the smaller structural distance wins — by position, or by matching
// elements by similarity. When the matched elements come in another order, the diff reports one
// difference of kind 'order' at the array, not a change in every field of every element (issue 9,
// cause 4): noise learning then suggests `unordered` for an array legacy returns in random order,
// and an element inserted at the front is one `added`, not every element changed.
import equal from 'fast-deep-equal';
import { matchUnordered, type ArrayMatch, type MatchSides } from './match-array-elements.ts';

export interface InOrderAlignment {
  readonly match: ArrayMatch;
  /** True when matched elements come in another order on the candidate side. */
  readonly reordered: boolean;
}

/** cost: the rule-aware cost of the differences a match would report. */
export function alignInOrder(sides: MatchSides, cost: (match: ArrayMatch) => number): InOrderAlignment {
  const { control, candidate } = sides;
  const positional = byPosition(control, candidate);
  const suspects = misalignedPositions(sides);
  if (suspects === null) return { match: positional, reordered: false };
  const matched = suspects === 'all'
    ? matchUnordered(sides, indices(control), indices(candidate))
    : withIdentity(matchUnordered(sides, suspects, suspects), control.length, new Set(suspects));
  if (cost(matched) >= cost(positional)) return { match: positional, reordered: false };
  return { match: matched, reordered: isReordered(matched) };
}

/**
 * Which positions a match by similarity could explain better than position: null when none can,
 * 'all' when the lengths differ (an insertion shifts every later element). With equal lengths,
 * positions whose elements are deep-equal stay paired; among the others, matching is worth its cost
 * only when an element equals one at another position, or some position differs by more than one
 * leaf — elements of clinical records share most of their leaves, so "similar" cannot tell a moved
 * record from an edited one, but a single noisy field in every element stays positional and cheap.
 */
function misalignedPositions(sides: MatchSides): readonly number[] | 'all' | null {
  const { control, candidate } = sides;
  if (control.length !== candidate.length) return 'all';
  const differing: number[] = [];
  for (let i = 0; i < control.length; i++) if (!equal(control[i], candidate[i])) differing.push(i);
  if (differing.length < 2) return null;
  const candidateKeys = new Set(differing.map((i) => sides.candidateKey(i)));
  if (differing.some((i) => candidateKeys.has(sides.controlKey(i)))) return differing;
  return differing.some((i) => sides.distance(i, i, 2) > 1) ? differing : null;
}

/** The positions left out of a partial match keep their positional pairs. */
function withIdentity(match: ArrayMatch, length: number, matchedPositions: ReadonlySet<number>): ArrayMatch {
  const pairs = [...match.pairs];
  for (let i = 0; i < length; i++) if (!matchedPositions.has(i)) pairs.push([i, i]);
  return { pairs: pairs.sort((a, b) => a[0] - b[0]), removed: match.removed, added: match.added };
}

function isReordered(match: ArrayMatch): boolean {
  for (let k = 1; k < match.pairs.length; k++) if (match.pairs[k]![1] < match.pairs[k - 1]![1]) return true;
  return false;
}

/** Element i against element i; the longer side's extra elements removed or added. */
export function byPosition(control: readonly unknown[], candidate: readonly unknown[]): ArrayMatch {
  const common = Math.min(control.length, candidate.length);
  return {
    pairs: Array.from({ length: common }, (_, i): [number, number] => [i, i]),
    removed: Array.from({ length: control.length - common }, (_, k) => common + k),
    added: Array.from({ length: candidate.length - common }, (_, k) => common + k),
  };
}

function indices(elements: readonly unknown[]): number[] {
  return Array.from(elements.keys());
}
