// XML on the wire. CDA: the corpus builds a document as the tree Ficus parses XML into
// (src/compare/formats/xml-tree.ts: elements are keys, `@name` attributes, repeated siblings
// arrays), and each call writes it with its own spelling of the same document — the default
// namespace or a prefix (`v3:`), another prefix for xsi, indented or not, CRLF or LF, attributes in
// another order. None of that is a difference, so none of it may surface. FHIR: the corpus builds
// the FHIR JSON shape; legacy writes it as FHIR XML (R4 §2.6.2: primitives as `value` attributes)
// and the new service as JSON, and the route compares them with `format: fhir`.
import { pick } from '../../../../src/demo/shared/prng.ts';
import type { Json, JsonObject, WireCall, WireFormat } from '../route-spec.ts';

const CDA_NS = 'urn:hl7-org:v3';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const FHIR_NS = 'http://hl7.org/fhir';

/** Attributes written in the XSI namespace (`@type` is `xsi:type` in CDA). */
const XSI_ATTRIBUTES: ReadonlySet<string> = new Set(['@type']);

export const CDA_WIRE: WireFormat = {
  name: 'xml',
  write: (doc, call) => ({ body: writeCda(doc, call), contentType: 'application/xml; charset=utf-8' }),
  removalNeedsSibling: true,
};

interface Spelling {
  readonly prefix: string;
  readonly xsi: string;
  readonly indent: string;
  readonly newline: string;
  readonly shuffleAttributes: boolean;
  readonly random: () => number;
}

export function writeCda(doc: JsonObject, call: WireCall): string {
  const { random } = call;
  const spelling: Spelling = {
    prefix: pick(random, ['', 'v3:', 'cda:']),
    xsi: pick(random, ['xsi', 'xs', 'i']),
    indent: pick(random, ['', '  ', '\t']),
    newline: pick(random, ['\n', '\r\n']),
    shuffleAttributes: random() < 0.5,
    random,
  };
  const [rootName, root] = Object.entries(doc)[0]!;
  const ns = spelling.prefix ? ` xmlns:${spelling.prefix.slice(0, -1)}="${CDA_NS}"` : ` xmlns="${CDA_NS}"`;
  const declarations = `${ns} xmlns:${spelling.xsi}="${XSI_NS}"`;
  return `<?xml version="1.0" encoding="UTF-8"?>${spelling.newline}${writeElement(rootName, root as Json, spelling, 0, declarations)}`;
}

function writeElement(name: string, value: Json, s: Spelling, depth: number, declarations = ''): string {
  const pad = s.indent ? s.newline + s.indent.repeat(depth) : '';
  if (Array.isArray(value)) return value.map((item) => writeElement(name, item, s, depth)).join('');
  const tag = `${s.prefix}${name}`;
  if (value === null || typeof value !== 'object') return `${pad}<${tag}${declarations}>${escapeXml(String(value))}</${tag}>`;
  const entries = Object.entries(value);
  let attributes = entries.filter(([k]) => k.startsWith('@'));
  if (s.shuffleAttributes) attributes = [...attributes].reverse();
  const written = attributes.map(([k, v]) => ` ${XSI_ATTRIBUTES.has(k) ? `${s.xsi}:` : ''}${k.slice(1)}="${escapeXml(String(v))}"`).join('');
  const text = typeof value['#text'] === 'string' ? escapeXml(value['#text']) : '';
  const children = entries.filter(([k]) => !k.startsWith('@') && k !== '#text').map(([k, v]) => writeElement(k, v, s, depth + 1)).join('');
  if (!text && !children) return `${pad}<${tag}${declarations}${written}/>`;
  return `${pad}<${tag}${declarations}${written}>${text}${children}${children && s.indent ? pad : ''}</${tag}>`;
}

export function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** Legacy answers FHIR XML, the new service FHIR JSON: the same resource, two serialisations. */
export const FHIR_XML_WIRE: WireFormat = {
  name: 'fhir xml/json',
  write: (doc, call: WireCall) =>
    call.side === 'legacy'
      ? { body: writeFhirXml(doc, call.random), contentType: 'application/fhir+xml; charset=utf-8' }
      : { body: JSON.stringify(doc), contentType: 'application/fhir+json' },
};

export function writeFhirXml(resource: JsonObject, random: () => number): string {
  const indent = pick(random, ['', '  ']);
  const type = String(resource.resourceType);
  const body = Object.entries(resource).filter(([k]) => k !== 'resourceType').map(([k, v]) => writeFhirElement(k, v, indent, 1)).join('');
  return `<${type} xmlns="${FHIR_NS}">${body}${indent ? '\n' : ''}</${type}>`;
}

function writeFhirElement(name: string, value: Json, indent: string, depth: number): string {
  const pad = indent ? `\n${indent.repeat(depth)}` : '';
  if (Array.isArray(value)) return value.map((item) => writeFhirElement(name, item, indent, depth)).join('');
  if (value === null) return '';
  if (typeof value !== 'object') return `${pad}<${name} value="${escapeXml(String(value))}"/>`;
  const children = Object.entries(value).map(([k, v]) => writeFhirElement(k, v, indent, depth + 1)).join('');
  return `${pad}<${name}>${children}${pad}</${name}>`;
}
