// The structural diff, run only after the equality gate said "unequal". One walk over both values
// that carries the matching rule-trie nodes, so ignores, array policies, shape and tolerances are
// applied where they are declared, and every difference is reported at its concrete pointer in the
// control document (elements only the candidate has: at their candidate index).
//
// Why not microdiff on normalised trees: unordered and keyed arrays are re-ordered by normalisation,
// so its paths no longer name an index of either document; it reports string → null as a CHANGE
// (we need 'type'); and tolerances would need a second pass re-reading both trees at each path.
import equal from 'fast-deep-equal';
import { canonicalJson } from './canonical-json.ts';
import type { BodyDifferenceKind } from './compare-config-schema.ts';
import { jsonTypeOf } from './json-type-of.ts';
import { isFullyIgnored, normalizeJson } from './normalize-json.ts';
import { alignInOrder, byPosition } from './align-in-order.ts';
import { elementForm, matchByKey, matchUnordered, type ArrayMatch, type MatchSides } from './match-array-elements.ts';
import type { FieldVocabulary } from './field-vocabulary.ts';
import { formatPointer } from './pointer.ts';
import { compareFhirTemporal } from './presets/fhir-temporal.ts';
import { descend, resolveRules, type ArrayPolicy, type LocationRules, type RuleNode } from './rule-trie.ts';
import { templatePointer } from './template-pointer.ts';
import type { Difference } from './types.ts';
import { numericValue, WrittenNumber, writtenForm } from './written-number.ts';

type Ignored = ReadonlySet<BodyDifferenceKind> | null;

interface Walk {
  /** Null when only the cost is wanted (measuring the distance between two array elements). */
  readonly out: Difference[] | null;
  readonly path: string[];
  /** Differences found so far, an added or removed subtree weighing its leaves. */
  cost: number;
  /** The walk stops descending once cost reaches limit. */
  readonly limit: number;
  /** Strings spelled as FHIR dates/dateTimes/instants compare as instants and precisions (presets/fhir-temporal.ts). */
  readonly fhirTemporal: boolean;
}

export interface DiffOptions {
  /** The route's field vocabulary: both documents teach it their keys and each difference carries its template. */
  readonly fields?: FieldVocabulary | undefined;
  /** FHIR date/dateTime/instant semantics (the fhir-r4 presets). */
  readonly fhirTemporal?: boolean | undefined;
}

/**
 * Differences between two decoded JSON values under a route's compiled rules. With the route's
 * field vocabulary, both documents teach it their keys and each difference carries its template.
 */
export function diffJson(control: unknown, candidate: unknown, root: RuleNode, options: DiffOptions = {}): Difference[] {
  const { fields } = options;
  const walk: Walk = { out: [], path: [], cost: 0, limit: Infinity, fhirTemporal: options.fhirTemporal === true };
  diffValue(walk, control, candidate, [root], null);
  if (!fields) return walk.out!;
  fields.learn(control, candidate);
  return walk.out!.map((difference) => ({ ...difference, template: templatePointer(difference.pointer, fields) }));
}

function diffValue(walk: Walk, control: unknown, candidate: unknown, states: readonly RuleNode[], inherited: Ignored): void {
  const rules = resolveRules(states);
  const ignore = mergeIgnored(inherited, rules.ignore);
  if (isFullyIgnored(ignore)) return;
  if (control === undefined || candidate === undefined) {
    if (control !== candidate) emit(walk, control === undefined ? 'added' : 'removed', control, candidate, ignore);
    return;
  }
  if (control instanceof WrittenNumber || candidate instanceof WrittenNumber) return diffWrittenNumbers(walk, control, candidate, rules, ignore);
  const controlType = jsonTypeOf(control);
  if (controlType !== jsonTypeOf(candidate)) return emit(walk, 'type', control, candidate, ignore);
  if (rules.shape) return;
  if (controlType === 'array') return diffArray(walk, control as unknown[], candidate as unknown[], states, ignore, rules.array);
  if (controlType === 'object') return diffObject(walk, control as Record<string, unknown>, candidate as Record<string, unknown>, states, ignore);
  if (control === candidate) return;
  if (walk.fhirTemporal && typeof control === 'string' && typeof candidate === 'string') {
    const verdict = compareFhirTemporal(control, candidate);
    if (verdict === 'same') return;
    if (verdict === 'precision') return emit(walk, 'precision', control, candidate, ignore);
  }
  if (isWithinTolerance(control, candidate, rules)) return;
  emit(walk, 'changed', control, candidate, ignore);
}

/**
 * A route that asked for written numbers (`compare.precision`): equal values written differently
 * (`0.010` against `0.01`) are a difference of kind 'precision'. Values apart beyond the tolerance
 * are 'changed' as always; within it, their texts naturally differ, so that is no difference.
 */
function diffWrittenNumbers(walk: Walk, control: unknown, candidate: unknown, rules: LocationRules, ignore: Ignored): void {
  const a = numericValue(control);
  const b = numericValue(candidate);
  if (jsonTypeOf(a) !== jsonTypeOf(b)) return emit(walk, 'type', a, b, ignore);
  if (rules.shape) return;
  if (a !== b) {
    if (!isWithinTolerance(a, b, rules)) emit(walk, 'changed', a, b, ignore);
    return;
  }
  const written = [writtenForm(control), writtenForm(candidate)] as const;
  if (written[0] !== written[1]) emit(walk, 'precision', written[0], written[1], ignore);
}

function diffChild(walk: Walk, key: string, control: unknown, candidate: unknown, states: readonly RuleNode[], ignore: Ignored): void {
  if (walk.cost >= walk.limit) return;
  walk.path.push(key);
  diffValue(walk, control, candidate, descend(states, key), ignore);
  walk.path.pop();
}

function diffObject(walk: Walk, control: Record<string, unknown>, candidate: Record<string, unknown>, states: readonly RuleNode[], ignore: Ignored): void {
  for (const key of Object.keys(control)) diffChild(walk, key, control[key], Object.hasOwn(candidate, key) ? candidate[key] : undefined, states, ignore);
  for (const key of Object.keys(candidate)) if (!Object.hasOwn(control, key)) diffChild(walk, key, undefined, candidate[key], states, ignore);
}

function diffArray(walk: Walk, control: unknown[], candidate: unknown[], states: readonly RuleNode[], ignore: Ignored, policy: ArrayPolicy | null): void {
  if (policy?.kind === 'ordered') return diffMatch(walk, byPosition(control, candidate), control, candidate, states, ignore);
  const sides = matchSides(walk, control, candidate, states, ignore);
  // Inside a cost probe (no output), nested arrays are costed by position: searching alignments
  // inside every alignment search multiplied the work at each level of nesting (a 12 KB body of
  // nested arrays took 2 s on the event loop). Only the walk that reports differences aligns.
  if (policy === null) return walk.out === null ? diffMatch(walk, byPosition(control, candidate), control, candidate, states, ignore) : diffInOrder(walk, sides, states, ignore);
  const match = policy.kind === 'keyed' ? matchByKey(sides, policy.keys) : matchUnordered(sides, indices(control), indices(candidate));
  diffMatch(walk, match, control, candidate, states, ignore);
}

function diffMatch(walk: Walk, match: ArrayMatch, control: readonly unknown[], candidate: readonly unknown[], states: readonly RuleNode[], ignore: Ignored): void {
  for (const [i, j] of match.pairs) diffChild(walk, String(i), control[i], candidate[j], states, ignore);
  for (const i of match.removed) diffChild(walk, String(i), control[i], undefined, states, ignore);
  for (const j of match.added) diffChild(walk, String(j), undefined, candidate[j], states, ignore);
}

/** An array without a policy: in order, aligned by similarity when position cannot explain it (alignInOrder). */
function diffInOrder(walk: Walk, sides: MatchSides, states: readonly RuleNode[], ignore: Ignored): void {
  const { match, reordered } = alignInOrder(sides, (candidate) => matchCost(walk, sides, candidate, states, ignore));
  if (reordered) {
    walk.cost += 1;
    walk.out?.push({ pointer: formatPointer(walk.path), kind: 'order', controlType: 'array', candidateType: 'array' });
  }
  diffMatch(walk, match, sides.control, sides.candidate, states, ignore);
}

function matchCost(walk: Walk, sides: MatchSides, match: ArrayMatch, states: readonly RuleNode[], ignore: Ignored): number {
  const probe: Walk = { out: null, path: [], cost: 0, limit: Infinity, fhirTemporal: walk.fhirTemporal };
  // Pairs equal as decoded cost nothing: skip their walk.
  const pairs = match.pairs.filter(([i, j]) => !equal(sides.control[i], sides.candidate[j]));
  diffMatch(probe, { ...match, pairs }, sides.control, sides.candidate, states, ignore);
  return probe.cost;
}

/** Both arrays as matching sees them: normal forms memoised, distance by the same rule-aware walk. */
function matchSides(walk: Walk, control: unknown[], candidate: unknown[], states: readonly RuleNode[], ignore: Ignored): MatchSides {
  const memoised = <T>(make: (i: number) => T) => {
    const memo = new Map<number, T>();
    return (i: number): T => {
      if (!memo.has(i)) memo.set(i, make(i));
      return memo.get(i)!;
    };
  };
  const side = (elements: unknown[]) => {
    const normal = memoised((i) => normalizeJson(elements[i], descend(states, String(i))));
    return { key: memoised((i) => canonicalJson(normal(i))), form: memoised((i) => elementForm(normal(i))) };
  };
  const controlSide = side(control);
  const candidateSide = side(candidate);
  return {
    control,
    candidate,
    controlKey: controlSide.key,
    candidateKey: candidateSide.key,
    controlForm: controlSide.form,
    candidateForm: candidateSide.form,
    distance: (i, j, limit) => {
      const probe: Walk = { out: null, path: [], cost: 0, limit, fhirTemporal: walk.fhirTemporal };
      diffValue(probe, control[i], candidate[j], descend(states, String(i)), ignore);
      return probe.cost;
    },
  };
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
  walk.cost += kind === 'added' ? leafCount(candidate, walk.limit) : kind === 'removed' ? leafCount(control, walk.limit) : 1;
  walk.out?.push({ pointer: formatPointer(walk.path), kind, controlType: jsonTypeOf(control), candidateType: jsonTypeOf(candidate), controlValue: control, candidateValue: candidate });
}

/** Leaves of a value (an empty object or array is one), counted up to limit. */
function leafCount(value: unknown, limit: number): number {
  if (value === null || typeof value !== 'object') return 1;
  const children = Object.values(value);
  if (children.length === 0) return 1;
  let count = 0;
  for (const child of children) {
    if (count >= limit) break;
    count += leafCount(child, limit - count);
  }
  return count;
}

function mergeIgnored(inherited: Ignored, own: Ignored): Ignored {
  if (own === null) return inherited;
  if (inherited === null) return own;
  return new Set([...inherited, ...own]);
}

function indices(elements: readonly unknown[]): number[] {
  return Array.from(elements.keys());
}
