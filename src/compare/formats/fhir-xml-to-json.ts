// FHIR XML → the FHIR JSON shape (R4 §2.6.2 "JSON Representation"), so a route whose legacy side
// answers XML and new side JSON can compare the same resource: the root element names the
// resourceType, a primitive's `value` attribute is its value, a resource wrapped in an element
// (`<resource><Patient>`, `<contained>`) is unwrapped. Cardinality (is `name` a list?) is not in the
// XML; alignXmlShapes takes it from the JSON side at comparison time.
import { alignXmlShapes } from './xml-tree.ts';

export function fhirXmlToJson(tree: Record<string, unknown>): unknown {
  const [rootName, root] = Object.entries(tree)[0] ?? [];
  if (rootName === undefined) return undefined;
  return resourceOf(rootName, root);
}

function resourceOf(type: string, element: unknown): Record<string, unknown> {
  const converted = convertElement(element);
  return { resourceType: type, ...(isObject(converted) ? converted : {}) };
}

function convertElement(element: unknown): unknown {
  if (Array.isArray(element)) return element.map(convertElement);
  if (!isObject(element)) return element;
  const keys = Object.keys(element);
  // <birthDate value="1970-01-01"/> is the primitive "1970-01-01" (its id/extension are rare; kept aside).
  if ('@value' in element && keys.every((k) => k === '@value' || k === '@id')) return element['@value'];
  // <resource><Patient>…</Patient></resource>: the only child is a resource (types are capitalised).
  if (keys.length === 1 && /^[A-Z]/.test(keys[0]!) && isObject(element[keys[0]!])) return resourceOf(keys[0]!, element[keys[0]!]);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const name = key.startsWith('@') ? key.slice(1) : key; // id="…" on a resource or element is the JSON id.
    out[name] = convertElement(element[key]);
  }
  return out;
}

/**
 * The pair a route compares when one side answered FHIR XML and the other FHIR JSON: both in the
 * JSON shape, cardinality and primitive types taken from the JSON side. The narrative (`text.div`)
 * is XHTML markup in XML and a string in JSON; it is left out of both, since its two serialisations
 * can never be equal (its `status` is still compared).
 */
export function alignFhirXmlWithJson(xmlTree: Record<string, unknown>, json: unknown): [unknown, unknown] {
  return alignXmlShapes(withoutNarrativeDiv(fhirXmlToJson(xmlTree)), withoutNarrativeDiv(json), true);
}

function withoutNarrativeDiv(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNarrativeDiv);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === 'text' && isObject(child)) {
      const { div: _div, ...rest } = child;
      out[key] = rest;
    } else out[key] = withoutNarrativeDiv(child);
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
