// Templates a pointer into an XML tree (xml-tree.ts). Element and attribute names come from the
// document's schema (CDA, SOAP, FHIR XML), never from the data, so they stay readable even when
// capitalised (ClinicalDocument, Envelope) — the JSON templater would take those for names; repeated
// siblings' indices are data (`*`). A segment not spelled like an XML name is data too.
import { formatPointer, parsePointer, WILDCARD } from '../pointer.ts';
import { isFieldSpelling } from '../template-pointer.ts';

/** An XML Name without its namespace prefix, an `@attribute`, or `#text`; at most 64 characters. */
const XML_NAME = /^(?:@?[A-Za-z_][A-Za-z0-9_.-]{0,63}|#text)$/;

/** SOAP 1.1/1.2 envelope element names: capitalised by the standard. */
const SOAP_NAMES: ReadonlySet<string> = new Set(['Envelope', 'Header', 'Body', 'Fault']);

export function templateXmlPointer(pointer: string): string {
  const parsed = parsePointer(pointer);
  if (!parsed.ok) return `/${WILDCARD}`;
  // Element names are the schema's, but data can be spelled as a name too (`<MRN004417>` in a
  // home-grown XML): the spellings that are always data (digit runs, UUIDs, hex ids) stay '*'.
  // A capitalised element name is a schema's only where schemas put one — the root
  // (ClinicalDocument, Bundle), SOAP's envelope, a resource wrapped in `resource`/`contained` in
  // FHIR XML; elsewhere it may be a surname used as an element name (`<Quigglesworth>`).
  const kept = (segment: string, k: number) => {
    if (!XML_NAME.test(segment) || (segment !== '#text' && !isFieldSpelling(segment.replace(/^@/, '').replace(/[.]/g, '_')))) return false;
    if (!/^[A-Z]/.test(segment)) return true;
    const parent = parsed.segments[k - 1];
    return k === 0 || SOAP_NAMES.has(segment) || parent === 'resource' || parent === 'contained';
  };
  return formatPointer(parsed.segments.map((segment, k) => (kept(segment, k) ? segment : WILDCARD)));
}
