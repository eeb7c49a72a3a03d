// Compares what legacy (control) and the new service (candidate) answered to the same request.
// Order: truncation, status, allowlisted headers, then the body behind equality gates, because
// nearly every pair in a healthy shadow is equal and the structural diff is the expensive part.
//
// Bounded (compareLimits.ts): each body is checked against the decode limits before it is parsed,
// and differences past the cap become one `truncated` marker at pointer ''. The time budget is not
// enforceable here (this is synchronous): createComparisonWorkerPool enforces it from outside.
//
// Formats (decodeBody): HL7 v2 and XML bodies become trees the same rule-aware walk diffs; v2
// bodies get the v2 default ignores (rules.hl7Root). `format: fhir` reads FHIR XML into the FHIR
// JSON shape, so XML against JSON of the same resource is equal. `facts` fields are compared by
// their clinical facts after the structural diff (facts/compare-body-facts.ts).
//
// Pointers outside the body: status differences are at '/status' (kind 'status'), header
// differences at '/headers/<lowercased name>' (kind 'header'); the kind keeps them apart from body
// pointers of the same spelling.
import equal from 'fast-deep-equal';
import type { CompareRules } from './compile-compare-rules.ts';
import { DEFAULT_COMPARE_LIMITS, type CompareLimits } from './compare-limits.ts';
import { decodeBody, type DecodedBody } from './decode-body.ts';
import { compareBodyFacts } from './facts/compare-body-facts.ts';
import { alignFhirXmlWithJson, fhirXmlToJson } from './formats/fhir-xml-to-json.ts';
import { alignXmlShapes } from './formats/xml-tree.ts';
import type { UncomparableReason } from './evidence.ts';
import { diffJson } from './diff-json.ts';
import { jsonTypeOf } from './json-type-of.ts';
import { escapeSegment } from './pointer.ts';
import type { CapturedResponse, Comparison, ComparisonFormat, Difference, JsonType } from './types.ts';

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
  const options = { writtenNumbers: rules.precision, format: rules.format === 'fhir' ? undefined : rules.format };
  const controlBody = decodeBody(control, limits, options);
  if (controlBody.kind === 'uncomparable') return uncomparable(controlBody.reason);
  const candidateBody = decodeBody(candidate, limits, options);
  if (candidateBody.kind === 'uncomparable') return uncomparable(candidateBody.reason);
  const body = compareBodies(controlBody, candidateBody, rules);
  if ('uncomparable' in body) return uncomparable(body.uncomparable);
  return verdictOf([...differences, ...body.differences], limits, body.format);
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

type BodyOutcome = { readonly differences: readonly Difference[]; readonly format?: ComparisonFormat } | { readonly uncomparable: UncomparableReason };

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
  if (rules.format === 'fhir' && isFhirDocument(control) && isFhirDocument(candidate)) {
    const [a, b] = asFhirJson(control, candidate);
    return { differences: compareJson(a, b, rules), format: 'json' };
  }
  if (control.kind === 'json' && candidate.kind === 'json') return { differences: compareJson(control.value, candidate.value, rules), format: 'json' };
  if (control.kind === 'hl7v2' && candidate.kind === 'hl7v2') {
    // Field numbers are not words, so v2 documents teach the route's field vocabulary nothing.
    const differences = equal(control.tree, candidate.tree) ? [] : diffJson(control.tree, candidate.tree, rules.hl7Root ?? rules.root);
    return { differences, format: 'hl7v2' };
  }
  if (control.kind === 'xml' && candidate.kind === 'xml') {
    const [a, b] = alignXmlShapes(control.tree, candidate.tree);
    return { differences: equal(a, b) ? [] : diffJson(a, b, rules.root), format: 'xml' };
  }
  if (control.kind === 'text' && candidate.kind === 'text' && rules.facts?.some((fact) => fact.pointer === '')) {
    // A generated text body: its facts are the comparison, its wording is not.
    return { differences: compareBodyFacts(control.text, candidate.text, rules.facts, rules.formulary ?? []), format: 'text' };
  }
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
  const structural = diffJson(control, candidate, rules.root, { fields: rules.fields, fhirTemporal: rules.fhirTemporal });
  const facts = rules.facts?.length ? compareBodyFacts(control, candidate, rules.facts, rules.formulary ?? []) : [];
  return facts.length ? [...structural, ...facts] : structural;
}

function isFhirDocument(body: DecodedBody): body is Extract<DecodedBody, { kind: 'json' | 'xml' }> {
  return body.kind === 'json' || body.kind === 'xml';
}

/** Both sides in the FHIR JSON shape; XML's cardinality and primitive types taken from a JSON side. */
function asFhirJson(control: Extract<DecodedBody, { kind: 'json' | 'xml' }>, candidate: Extract<DecodedBody, { kind: 'json' | 'xml' }>): [unknown, unknown] {
  if (control.kind === 'json' && candidate.kind === 'json') return [control.value, candidate.value];
  if (control.kind === 'xml' && candidate.kind === 'json') return alignFhirXmlWithJson(control.tree, candidate.value);
  if (control.kind === 'json' && candidate.kind === 'xml') {
    const [xml, json] = alignFhirXmlWithJson(candidate.tree, control.value);
    return [json, xml];
  }
  const treeOf = (body: typeof control): Record<string, unknown> => (body.kind === 'xml' ? body.tree : {});
  return alignXmlShapes(fhirXmlToJson(treeOf(control)), fhirXmlToJson(treeOf(candidate)));
}

function bodyValue(body: DecodedBody): unknown {
  switch (body.kind) {
    case 'json': return body.value;
    case 'text': return body.text;
    case 'binary': return body.sha256;
    default: return body.tree;
  }
}

function bodyType(body: DecodedBody): JsonType {
  if (body.kind === 'json') return jsonTypeOf(body.value);
  return body.kind === 'hl7v2' || body.kind === 'xml' ? 'object' : body.kind;
}

/** The marker that stands for every difference past the cap; it carries no value. */
export const TRUNCATED_MARKER: Difference = Object.freeze({ pointer: '', kind: 'truncated', controlType: 'absent', candidateType: 'absent' });

function verdictOf(differences: readonly Difference[], limits: CompareLimits, format?: ComparisonFormat): Comparison {
  if (differences.length === 0) return Object.freeze({ verdict: 'match', differences: Object.freeze([]) });
  // Only a mismatch has pointers to template; its records need the format's templater.
  if (format) return Object.freeze({ ...verdictOf(differences, limits), format });
  // Capped after the walk (the walk's input is bounded by the decode limits, its time by the
  // worker's budget): a million differences would be a million rows in the store otherwise.
  if (differences.length <= limits.differences) return Object.freeze({ verdict: 'mismatch', differences: Object.freeze([...differences]) });
  const kept = differences.slice(0, limits.differences);
  return Object.freeze({ verdict: 'mismatch', differences: Object.freeze([...kept, TRUNCATED_MARKER]), omittedDifferences: differences.length - kept.length });
}

function uncomparable(reason: UncomparableReason): Comparison {
  return Object.freeze({ verdict: 'uncomparable', differences: Object.freeze([]), reason });
}
