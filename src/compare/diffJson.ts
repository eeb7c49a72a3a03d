// The structural diff, run only after the equality gate said "unequal". One walk over both values
// that carries the matching rule-trie nodes, so ignores, array policies, shape and tolerances are
// applied where they are declared, and every difference is reported at its concrete pointer in the
// control document (elements only the candidate has: at their candidate index).
//
// Why not microdiff on normalised trees: unordered and keyed arrays are re-ordered by normalisation,
// so its paths no longer name an index of either document; it reports string → null as a CHANGE
// (we need 'type'); and tolerances would need a second pass re-reading both trees at each path.
import type { BodyDifferenceKind } from './compareConfigSchema.ts';
import { canonicalJson } from './canonicalJson.ts';
import { jsonTypeOf } from './jsonTypeOf.ts';
import { isFullyIgnored, normalizeJson } from './normalizeJson.ts';
import { formatPointer, readAt } from './pointer.ts';
import { descend, resolveRules, type ArrayPolicy, type LocationRules, type RuleNode } from './ruleTrie.ts';
import type { Difference } from './types.ts';

type Ignored = ReadonlySet<BodyDifferenceKind> | null;

interface Walk {
  readonly out: Difference[];
  readonly path: string[];
}

/** Differences between two decoded JSON values under a route's compiled rules. */
export function diffJson(control: unknown, candidate: unknown, root: RuleNode): Difference[] {
  const walk: Walk = { out: [], path: [] };
  diffValue(walk, control, candidate, [root], null);
  return walk.out;
}

function diffValue(walk: Walk, control: unknown, candidate: unknown, states: readonly RuleNode[], inherited: Ignored): void {
  const rules = resolveRules(states);
  const ignore = mergeIgnored(inherited, rules.ignore);
  if (isFullyIgnored(ignore)) return;
  if (control === undefined || candidate === undefined) {
    if (control !== candidate) emit(walk, control === undefined ? 'added' : 'removed', control, candidate, ignore);
    return;
  }
  const controlType = jsonTypeOf(control);
  if (controlType !== jsonTypeOf(candidate)) return emit(walk, 'type', control, candidate, ignore);
  if (rules.shape) return;
  if (controlType === 'array') return diffArray(walk, control as unknown[], candidate as unknown[], states, ignore, rules.array);
  if (controlType === 'object') return diffObject(walk, control as Record<string, unknown>, candidate as Record<string, unknown>, states, ignore);
  if (control === candidate || isWithinTolerance(control, candidate, rules)) return;
  emit(walk, 'changed', control, candidate, ignore);
}

function diffChild(walk: Walk, key: string, control: unknown, candidate: unknown, states: readonly RuleNode[], ignore: Ignored): void {
  walk.path.push(key);
  diffValue(walk, control, candidate, descend(states, key), ignore);
  walk.path.pop();
}

function diffObject(walk: Walk, control: Record<string, unknown>, candidate: Record<string, unknown>, states: readonly RuleNode[], ignore: Ignored): void {
  for (const key of Object.keys(control)) diffChild(walk, key, control[key], Object.hasOwn(candidate, key) ? candidate[key] : undefined, states, ignore);
  for (const key of Object.keys(candidate)) if (!Object.hasOwn(control, key)) diffChild(walk, key, undefined, candidate[key], states, ignore);
}

interface ArrayMatch {
  /** Control index, candidate index: the same element on both sides, not (yet) known equal. */
  readonly pairs: [number, number][];
  readonly removed: number[];
  readonly added: number[];
}

function diffArray(walk: Walk, control: unknown[], candidate: unknown[], states: readonly RuleNode[], ignore: Ignored, policy: ArrayPolicy | null): void {
  if (policy === null || policy.kind === 'ordered') {
    const length = Math.max(control.length, candidate.length);
    for (let i = 0; i < length; i++) diffChild(walk, String(i), control[i], candidate[i], states, ignore);
    return;
  }
  // Memoised: an element's normal form is needed for matching, and again to find what is left over.
  const canonical = (side: unknown[]) => {
    const memo = new Map<number, string>();
    return (i: number): string => {
      let key = memo.get(i);
      if (key === undefined) memo.set(i, (key = canonicalJson(normalizeJson(side[i], descend(states, String(i))))));
      return key;
    };
  };
  const sides = { control, candidate, controlKey: canonical(control), candidateKey: canonical(candidate) };
  const match = policy.kind === 'keyed' ? matchByKey(sides, policy.key) : matchUnordered(sides, indices(control), indices(candidate));
  for (const [i, j] of match.pairs) diffChild(walk, String(i), control[i], candidate[j], states, ignore);
  for (const i of match.removed) diffChild(walk, String(i), control[i], undefined, states, ignore);
  for (const j of match.added) diffChild(walk, String(j), undefined, candidate[j], states, ignore);
}

interface Sides {
  readonly control: unknown[];
  readonly candidate: unknown[];
  readonly controlKey: (index: number) => string;
  readonly candidateKey: (index: number) => string;
}

/** Equal elements (by normal form) match first; leftovers pair up in order, extras are added/removed. */
function matchUnordered(sides: Sides, controlIndices: number[], candidateIndices: number[]): ArrayMatch {
  const available = new Map<string, number[]>();
  for (const j of candidateIndices) {
    const key = sides.candidateKey(j);
    const bucket = available.get(key);
    if (bucket) bucket.push(j);
    else available.set(key, [j]);
  }
  const leftoverControl: number[] = [];
  for (const i of controlIndices) if (available.get(sides.controlKey(i))?.shift() === undefined) leftoverControl.push(i);
  const leftoverCandidate = candidateIndices.filter((j) => available.get(sides.candidateKey(j))?.includes(j));
  const paired = Math.min(leftoverControl.length, leftoverCandidate.length);
  return {
    pairs: leftoverControl.slice(0, paired).map((i, n) => [i, leftoverCandidate[n]!]),
    removed: leftoverControl.slice(paired),
    added: leftoverCandidate.slice(paired),
  };
}

/** Elements match by the value at the key pointer; elements without a key match as unordered. */
function matchByKey(sides: Sides, key: readonly string[]): ArrayMatch {
  const controlGroups = groupByKey(sides.control, key);
  const candidateGroups = groupByKey(sides.candidate, key);
  const result: ArrayMatch = { pairs: [], removed: [], added: [] };
  for (const [value, controlIndices] of controlGroups) {
    const candidateIndices = candidateGroups.get(value);
    if (!candidateIndices) result.removed.push(...controlIndices);
    // Duplicate keys (which a keyed array should not have) fall back to unordered within the key.
    else mergeMatch(result, controlIndices.length === 1 && candidateIndices.length === 1
      ? { pairs: [[controlIndices[0]!, candidateIndices[0]!]], removed: [], added: [] }
      : matchUnordered(sides, controlIndices, candidateIndices));
  }
  for (const [value, candidateIndices] of candidateGroups) if (!controlGroups.has(value)) result.added.push(...candidateIndices);
  return result;
}

const UNKEYED = '\u0000unkeyed';

function groupByKey(elements: unknown[], key: readonly string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  elements.forEach((element, index) => {
    const value = readAt(element, key);
    const group = value === undefined ? UNKEYED : canonicalJson(value);
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

function isWithinTolerance(control: unknown, candidate: unknown, rules: LocationRules): boolean {
  if (rules.numericTolerance !== null && typeof control === 'number' && typeof candidate === 'number') {
    return Math.abs(control - candidate) <= rules.numericTolerance;
  }
  if (rules.timestampToleranceMs !== null && typeof control === 'string' && typeof candidate === 'string') {
    const a = parseTimestamp(control);
    const b = parseTimestamp(candidate);
    return a !== null && b !== null && Math.abs(a - b) <= rules.timestampToleranceMs;
  }
  return false;
}

function parseTimestamp(text: string): number | null {
  // Date.parse is lenient with non-ISO text ("1" is a year); only ISO 8601 / FHIR dates count.
  if (!/^\d{4}(-\d{2}){0,2}($|T)/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

function emit(walk: Walk, kind: BodyDifferenceKind, control: unknown, candidate: unknown, ignore: Ignored): void {
  if (ignore?.has(kind)) return;
  const difference: Difference = { pointer: formatPointer(walk.path), kind, controlType: jsonTypeOf(control), candidateType: jsonTypeOf(candidate), controlValue: control, candidateValue: candidate };
  walk.out.push(difference);
}

function mergeIgnored(inherited: Ignored, own: Ignored): Ignored {
  if (own === null) return inherited;
  if (inherited === null) return own;
  return new Set([...inherited, ...own]);
}

function indices(elements: unknown[]): number[] {
  return Array.from(elements.keys());
}
