// Compiled per-route body rules as a trie over pointer segments. A walk over a JSON document
// carries the set of trie nodes its current location matches (several, when literal and `*` rules
// overlap) so finding the rules for a location costs one map lookup per active node, not a scan of
// every rule with pointer matching.
import type { BodyDifferenceKind } from './compare-config-schema.ts';
import { WILDCARD } from './pointer.ts';

export type ArrayPolicy =
  | { readonly kind: 'ordered' }
  | { readonly kind: 'unordered' }
  /**
   * `keys`: one pointer, or several for a composite key (time + metric). `key` is the first of
   * them, kept for normalizeJson's sort order (any fixed order is a normal form).
   */
  | { readonly kind: 'keyed'; readonly key: readonly string[]; readonly keys: readonly (readonly string[])[] };

export interface RuleNode {
  readonly literal: ReadonlyMap<string, RuleNode>;
  readonly wildcard: RuleNode | null;
  /** Kinds ignored at this location and below; all four kinds means the subtree is skipped. */
  readonly ignore: ReadonlySet<BodyDifferenceKind> | null;
  readonly array: ArrayPolicy | null;
  readonly numericTolerance: number | null;
  readonly timestampToleranceMs: number | null;
  readonly shape: boolean;
}

/** The rules that apply at one location, merged over every matching trie node. */
export interface LocationRules {
  readonly ignore: ReadonlySet<BodyDifferenceKind> | null;
  readonly array: ArrayPolicy | null;
  readonly numericTolerance: number | null;
  readonly timestampToleranceMs: number | null;
  readonly shape: boolean;
}

export interface MutableRuleNode {
  literal: Map<string, MutableRuleNode>;
  wildcard: MutableRuleNode | null;
  ignore: Set<BodyDifferenceKind> | null;
  array: ArrayPolicy | null;
  numericTolerance: number | null;
  timestampToleranceMs: number | null;
  shape: boolean;
}

export type RuleSetter = (node: MutableRuleNode) => void;

export function createRuleNode(): MutableRuleNode {
  return { literal: new Map(), wildcard: null, ignore: null, array: null, numericTolerance: null, timestampToleranceMs: null, shape: false };
}

/** Finds or creates the node for segments and applies set to it. */
export function addRule(root: MutableRuleNode, segments: readonly string[], set: RuleSetter): void {
  let node = root;
  for (const segment of segments) {
    if (segment === WILDCARD) {
      node.wildcard ??= createRuleNode();
      node = node.wildcard;
    } else {
      let next = node.literal.get(segment);
      if (!next) node.literal.set(segment, (next = createRuleNode()));
      node = next;
    }
  }
  set(node);
}

export const NO_STATES: readonly RuleNode[] = Object.freeze([]);

/** The trie nodes matching one level deeper, at key. Literal matches come before `*` matches. */
export function descend(states: readonly RuleNode[], key: string): readonly RuleNode[] {
  if (states.length === 0) return NO_STATES;
  let next: RuleNode[] | null = null;
  for (const state of states) {
    const literal = state.literal.get(key);
    if (literal) (next ??= []).push(literal);
    if (state.wildcard) (next ??= []).push(state.wildcard);
  }
  return next ?? NO_STATES;
}

const NO_RULES: LocationRules = Object.freeze({ ignore: null, array: null, numericTolerance: null, timestampToleranceMs: null, shape: false });

/**
 * Merges the rules of every matching node. Ignored kinds and shape add up; for array policy and
 * tolerances the more literal rule wins (states are ordered literal-first by descend).
 */
export function resolveRules(states: readonly RuleNode[]): LocationRules {
  if (states.length === 0) return NO_RULES;
  if (states.length === 1) return states[0]!;
  let ignore: Set<BodyDifferenceKind> | null = null;
  let array: ArrayPolicy | null = null;
  let numericTolerance: number | null = null;
  let timestampToleranceMs: number | null = null;
  let shape = false;
  for (const state of states) {
    if (state.ignore) for (const kind of state.ignore) (ignore ??= new Set()).add(kind);
    array ??= state.array;
    numericTolerance ??= state.numericTolerance;
    timestampToleranceMs ??= state.timestampToleranceMs;
    shape ||= state.shape;
  }
  return { ignore, array, numericTolerance, timestampToleranceMs, shape };
}
