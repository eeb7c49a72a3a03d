// Compares what legacy (control) and the new service (candidate) answered to the same request.
// Order: truncation, status, allowlisted headers, then the body behind equality gates, because
// nearly every pair in a healthy shadow is equal and the structural diff is the expensive part.
//
// Bounded (compareLimits.ts): each body is checked against the decode limits before it is parsed,
// and differences past the cap become one `truncated` marker at pointer ''. The time budget is not
// enforceable here (this is synchronous): createComparisonWorkerPool enforces it from outside.
//
// Pointers outside the body: status differences are at '/status' (kind 'status'), header
// differences at '/headers/<lowercased name>' (kind 'header'); the kind keeps them apart from body
// pointers of the same spelling.
import equal from 'fast-deep-equal';
import type { CompareRules } from './compileCompareRules.ts';
import { DEFAULT_COMPARE_LIMITS, type CompareLimits } from './compareLimits.ts';
import { decodeBody, type DecodedBody } from './decodeBody.ts';
import type { UncomparableReason } from './evidence.ts';
import { diffJson } from './diffJson.ts';
import { jsonTypeOf } from './jsonTypeOf.ts';
import { escapeSegment } from './pointer.ts';
import type { CapturedResponse, Comparison, Difference, JsonType } from './types.ts';

export const STATUS_POINTER = '/status';
export const headerPointer = (name: string): string => `/headers/${escapeSegment(name.toLowerCase())}`;

export function compareResponses(control: CapturedResponse, candidate: CapturedResponse, rules: CompareRules, limits: CompareLimits = DEFAULT_COMPARE_LIMITS): Comparison {
  if (control.truncated || candidate.truncated) return uncomparable('truncated');
  if (control.status !== candidate.status) {
    // Bodies of different statuses are different documents (an error page against a resource);
    // their diff would bury the one fact that matters.
    return verdictOf([{ pointer: STATUS_POINTER, kind: 'status', controlType: 'number', candidateType: 'number', controlValue: control.status, candidateValue: candidate.status }], limits);
  }
  const differences = compareHeaders(control, candidate, rules.headers);
  if (isSameBytes(control, candidate)) return verdictOf(differences, limits);
  const controlBody = decodeBody(control, limits, { writtenNumbers: rules.precision });
  if (controlBody.kind === 'uncomparable') return uncomparable(controlBody.reason);
  const candidateBody = decodeBody(candidate, limits, { writtenNumbers: rules.precision });
  if (candidateBody.kind === 'uncomparable') return uncomparable(candidateBody.reason);
  const body = compareBodies(controlBody, candidateBody, rules);
  if ('uncomparable' in body) return uncomparable(body.uncomparable);
  return verdictOf([...differences, ...body.differences], limits);
}

function isSameBytes(control: CapturedResponse, candidate: CapturedResponse): boolean {
  // Equal bytes mean equal bodies only when both were encoded and typed the same way.
  return control.headers['content-encoding'] === candidate.headers['content-encoding']
    && control.headers['content-type'] === candidate.headers['content-type']
    && control.body.equals(candidate.body);
}

/** Two legacy answers to the same request (noise learning): the same comparison, first as control. */
export function compareLegacyPair(first: CapturedResponse, second: CapturedResponse, rules: CompareRules, limits?: CompareLimits): Comparison {
  return compareResponses(first, second, rules, limits);
}

function compareHeaders(control: CapturedResponse, candidate: CapturedResponse, names: readonly string[]): Difference[] {
  const differences: Difference[] = [];
  for (const name of names) {
    const a = control.headers[name]?.trim();
    const b = candidate.headers[name]?.trim();
    if (a === b) continue;
    differences.push({ pointer: headerPointer(name), kind: 'header', controlType: a === undefined ? 'absent' : 'string', candidateType: b === undefined ? 'absent' : 'string', controlValue: a, candidateValue: b });
  }
  return differences;
}

type BodyOutcome = { readonly differences: readonly Difference[] } | { readonly uncomparable: UncomparableReason };

function compareBodies(control: DecodedBody, candidate: DecodedBody, rules: CompareRules): BodyOutcome {
  if (rules.comparator && control.kind !== 'binary' && candidate.kind !== 'binary') {
    // Like scientist's compare block: the route's own code may throw; that makes the pair
    // uncomparable, never an exception in the caller.
    try {
      const found: unknown = rules.comparator(bodyValue(control), bodyValue(candidate));
      return Array.isArray(found) ? { differences: found as Difference[] } : { uncomparable: 'comparator-error' };
    } catch {
      return { uncomparable: 'comparator-error' };
    }
  }
  if (control.kind === 'json' && candidate.kind === 'json') return { differences: compareJson(control.value, candidate.value, rules) };
  if (control.kind !== candidate.kind) {
    return { differences: [{ pointer: '', kind: 'type', controlType: bodyType(control), candidateType: bodyType(candidate), controlValue: bodyValue(control), candidateValue: bodyValue(candidate) }] };
  }
  const a = bodyValue(control);
  const b = bodyValue(candidate);
  return { differences: a === b ? [] : [{ pointer: '', kind: 'changed', controlType: bodyType(control), candidateType: bodyType(candidate), controlValue: a, candidateValue: b }] };
}

function compareJson(control: unknown, candidate: unknown, rules: CompareRules): readonly Difference[] {
  // The gate: equal decoded values (only whitespace, key order or encoding differed) need no rules.
  // Past it, the rule-aware walk is itself the second gate: it allocates nothing on equal subtrees,
  // measured about 3x cheaper than normalising both trees through the rules and deep-comparing them.
  if (equal(control, candidate)) return [];
  return diffJson(control, candidate, rules.root, rules.fields);
}

function bodyValue(body: DecodedBody): unknown {
  return body.kind === 'json' ? body.value : body.kind === 'text' ? body.text : body.sha256;
}

function bodyType(body: DecodedBody): JsonType {
  return body.kind === 'json' ? jsonTypeOf(body.value) : body.kind;
}

/** The marker that stands for every difference past the cap; it carries no value. */
export const TRUNCATED_MARKER: Difference = Object.freeze({ pointer: '', kind: 'truncated', controlType: 'absent', candidateType: 'absent' });

function verdictOf(differences: readonly Difference[], limits: CompareLimits): Comparison {
  if (differences.length === 0) return Object.freeze({ verdict: 'match', differences: Object.freeze([]) });
  // Capped after the walk (the walk's input is bounded by the decode limits, its time by the
  // worker's budget): a million differences would be a million rows in the store otherwise.
  if (differences.length <= limits.differences) return Object.freeze({ verdict: 'mismatch', differences: Object.freeze([...differences]) });
  const kept = differences.slice(0, limits.differences);
  return Object.freeze({ verdict: 'mismatch', differences: Object.freeze([...kept, TRUNCATED_MARKER]), omittedDifferences: differences.length - kept.length });
}

function uncomparable(reason: UncomparableReason): Comparison {
  return Object.freeze({ verdict: 'uncomparable', differences: Object.freeze([]), reason });
}
