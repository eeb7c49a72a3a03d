// XML bodies (CDA, SOAP, FHIR XML, plain application/xml) as a tree the structural diff walks, so
// the one rule language applies: elements are keys, attributes are `@name` keys, text is `#text`:
//
//   <ClinicalDocument><recordTarget><patientRole><id extension="123"/>…
//   → /ClinicalDocument/recordTarget/patientRole/id/@extension
//
// Namespace prefixes are dropped and xmlns declarations ignored, so two documents binding the same
// namespace to other prefixes (cda:id, id) compare equal. Repeated siblings become arrays; a single
// element stays an object — and alignXmlShapes makes the two sides agree before the diff, so one
// side having two <entry> and the other one is an array difference, not a type difference.
// Parsing is bounded: nesting depth, entity expansion (billion laughs) and element count.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type XmlParse =
  | { readonly ok: true; readonly tree: Record<string, unknown> }
  | { readonly ok: false; readonly reason: 'not-xml' | 'xml-too-large' };

export interface XmlLimits {
  readonly maxDepth: number;
  readonly maxElements: number;
}

const DEFAULT_LIMITS: XmlLimits = { maxDepth: 64, maxElements: 200_000 };

export function parseXml(text: string, limits: XmlLimits = DEFAULT_LIMITS): XmlParse {
  if (XMLValidator.validate(text) !== true) return { ok: false, reason: 'not-xml' };
  let elements = 0;
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: limits.maxDepth,
    processEntities: { maxEntityCount: 100, maxEntitySize: 1_000 },
    updateTag: (tagName: string) => {
      elements += 1;
      return elements > limits.maxElements ? false : tagName;
    },
  } as ConstructorParameters<typeof XMLParser>[0]);
  try {
    const parsed = parser.parse(text) as Record<string, unknown>;
    if (elements > limits.maxElements) return { ok: false, reason: 'xml-too-large' };
    return { ok: true, tree: withoutNamespaceDeclarations(parsed) as Record<string, unknown> };
  } catch {
    return { ok: false, reason: 'xml-too-large' };
  }
}

function withoutNamespaceDeclarations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNamespaceDeclarations);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === '@xmlns' || key.startsWith('@xmlns:') || key === '@schemaLocation') continue;
    out[key] = withoutNamespaceDeclarations(child);
  }
  return out;
}

/**
 * Makes two trees agree on shape where XML cannot say it: a single element on one side and
 * repeated ones on the other become arrays on both; when `coerce` is set (XML against JSON), a
 * text value is read as the other side's boolean or number when it spells exactly that.
 */
export function alignXmlShapes(a: unknown, b: unknown, coerce = false): [unknown, unknown] {
  if (Array.isArray(a) !== Array.isArray(b) && a !== undefined && b !== undefined) {
    return alignXmlShapes(Array.isArray(a) ? a : [a], Array.isArray(b) ? b : [b], coerce);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    // Not paired by position: the array may be matched by key or similarity later, so the element
    // at the same index is often another element (and one side may have more). Every element of one
    // array has the same shape and types, so each is aligned with the other side's exemplar — else a
    // number read from XML stays a string and reports a type difference against the JSON element it
    // is paired with in the end (found by bench:evidence).
    const left = b.length > 0 ? a.map((item) => alignXmlShapes(item, exemplarOf(b), coerce)[0]) : [...a];
    const right = a.length > 0 ? b.map((item) => alignXmlShapes(exemplarOf(a), item, coerce)[1]) : [...b];
    return [left, right];
  }
  if (isObject(a) && isObject(b)) {
    const left: Record<string, unknown> = { ...a };
    const right: Record<string, unknown> = { ...b };
    for (const key of Object.keys(left)) if (key in right) [left[key], right[key]] = alignXmlShapes(left[key], right[key], coerce);
    return [left, right];
  }
  if (coerce) return [coerceTo(a, b), coerceTo(b, a)];
  return [a, b];
}

const exemplars = new WeakMap<readonly unknown[], unknown>();

/** One element standing for all of an array's: their objects merged (first value of each key), else the first. */
function exemplarOf(items: readonly unknown[]): unknown {
  if (exemplars.has(items)) return exemplars.get(items);
  let exemplar: unknown = items[0];
  if (items.every(isObject)) {
    const merged: Record<string, unknown> = {};
    for (const item of items) for (const [key, value] of Object.entries(item)) if (!(key in merged)) merged[key] = value;
    exemplar = merged;
  }
  exemplars.set(items, exemplar);
  return exemplar;
}

function coerceTo(value: unknown, other: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (typeof other === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  if (typeof other === 'number' && /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(value)) return Number(value);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
