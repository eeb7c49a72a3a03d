// Which element of one array is "the same element" in the other, for `unordered` and `keyed`
// arrays. Elements equal in normal form (fully ignored fields dropped, nested unordered arrays
// sorted) pair first, for free. The rest pair under the same rules the diff applies — tolerances and
// kind-restricted ignores have no normal form, so the rule-aware walk measures the distance — at
// minimum total distance, never by position (issue 9, causes 1 and 2).
import { assignMinDistance, type LeftoverElement } from './assign-min-distance.ts';
import { canonicalJson } from './canonical-json.ts';
import { readAt } from './pointer.ts';

export interface ArrayMatch {
  /** Control index, candidate index: the same element on both sides, not known equal. */
  readonly pairs: [number, number][];
  readonly removed: number[];
  readonly added: number[];
}

/** An element's leaves, as pairing needs them (computed only for elements without an equal partner). */
export interface ElementForm {
  /** Leaves of the normal form: what a difference can be counted against. */
  readonly weight: number;
  readonly features: readonly string[];
}

export interface MatchSides {
  readonly control: readonly unknown[];
  readonly candidate: readonly unknown[];
  /** Canonical JSON of the element's normal form under the rules: equal means equal under the rules. */
  controlKey(index: number): string;
  candidateKey(index: number): string;
  controlForm(index: number): ElementForm;
  candidateForm(index: number): ElementForm;
  /** Rule-aware cost of the differences between control[i] and candidate[j]; may stop at limit. */
  distance(i: number, j: number, limit: number): number;
}

/**
 * Equal normal forms pair first; leftovers pair at minimum total distance. Two elements are "the
 * same element" only when at most half of their leaves differ (single leaves always may): pairing
 * strangers would report their fields as changed, where the truth is one removed and one added.
 */
export function matchUnordered(sides: MatchSides, controlIndices: readonly number[], candidateIndices: readonly number[]): ArrayMatch {
  const available = new Map<string, number[]>();
  for (const j of candidateIndices) {
    const key = sides.candidateKey(j);
    const bucket = available.get(key);
    if (bucket) bucket.push(j);
    else available.set(key, [j]);
  }
  const pairs: [number, number][] = [];
  const leftControl: number[] = [];
  for (const i of controlIndices) {
    const j = available.get(sides.controlKey(i))?.shift();
    if (j === undefined) leftControl.push(i);
    else pairs.push([i, j]);
  }
  const leftCandidate = candidateIndices.filter((j) => available.get(sides.candidateKey(j))?.includes(j));
  const leftover = (form: (index: number) => ElementForm, key: (index: number) => string) => (index: number): LeftoverElement => ({ index, features: form(index).features, sortKey: key(index) });
  const assigned = assignMinDistance(leftControl.map(leftover(sides.controlForm, sides.controlKey)), leftCandidate.map(leftover(sides.candidateForm, sides.candidateKey)), (i, j) => pairDistance(sides, i, j));
  pairs.push(...assigned);
  const pairedControl = new Set(assigned.map(([i]) => i));
  const pairedCandidate = new Set(assigned.map(([, j]) => j));
  return {
    pairs: pairs.sort((a, b) => a[0] - b[0]),
    removed: leftControl.filter((i) => !pairedControl.has(i)),
    added: leftCandidate.filter((j) => !pairedCandidate.has(j)),
  };
}

/** Distance of a pair that may be made, Infinity for strangers (more than half their leaves differ). */
export function pairDistance(sides: MatchSides, i: number, j: number): number {
  const weight = Math.max(sides.controlForm(i).weight, sides.candidateForm(j).weight);
  if (weight <= 1) return sides.distance(i, j, 2);
  const allowed = Math.floor(weight / 2);
  const d = sides.distance(i, j, allowed + 1);
  return d <= allowed ? d : Infinity;
}

const UNKEYED = '\u0000unkeyed';

/**
 * Elements match by the values at the key pointers (one, or several for a composite key such as
 * time + metric). Elements missing a key part, and duplicate keys (which a keyed array should not
 * have), fall back to unordered matching among themselves.
 */
export function matchByKey(sides: MatchSides, keys: readonly (readonly string[])[]): ArrayMatch {
  const controlGroups = groupByKey(sides.control, keys);
  const candidateGroups = groupByKey(sides.candidate, keys);
  const result: ArrayMatch = { pairs: [], removed: [], added: [] };
  for (const [value, controlIndices] of controlGroups) {
    const candidateIndices = candidateGroups.get(value);
    if (!candidateIndices) result.removed.push(...controlIndices);
    else if (value !== UNKEYED && controlIndices.length === 1 && candidateIndices.length === 1) result.pairs.push([controlIndices[0]!, candidateIndices[0]!]);
    else mergeMatch(result, matchUnordered(sides, controlIndices, candidateIndices));
  }
  for (const [value, candidateIndices] of candidateGroups) if (!controlGroups.has(value)) result.added.push(...candidateIndices);
  result.pairs.sort((a, b) => a[0] - b[0]);
  return result;
}

function groupByKey(elements: readonly unknown[], keys: readonly (readonly string[])[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  elements.forEach((element, index) => {
    const parts = keys.map((key) => readAt(element, key));
    const group = parts.includes(undefined) ? UNKEYED : canonicalJson(parts);
    const members = groups.get(group);
    if (members) members.push(index);
    else groups.set(group, [index]);
  });
  return groups;
}

function mergeMatch(into: ArrayMatch, from: ArrayMatch): void {
  into.pairs.push(...from.pairs);
  into.removed.push(...from.removed);
  into.added.push(...from.added);
}

const MAX_FEATURES = 64;

/** The form of a normalised element: leaf count and leaf features. */
export function elementForm(normal: unknown): ElementForm {
  const features: string[] = [];
  let weight = 0;
  const visit = (value: unknown, path: string): void => {
    if (value !== null && typeof value === 'object') {
      const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
      if (entries.length > 0) {
        for (const [key, child] of entries) visit(child, `${path}/${key}`);
        return;
      }
    }
    weight++;
    if (features.length < MAX_FEATURES) features.push(`${path}=${canonicalJson(value)}`);
  };
  visit(normal, '');
  return { weight, features };
}
