// HL7 v2 (ER7) on the wire: the corpus builds a message as the tree Ficus parses it into
// (src/compare/formats/hl7v2-tree.ts: segment → occurrences → field → repetitions → components),
// and this writes it as pipe-and-hat bytes in ISO-8859-1, escaping the delimiters a value holds
// (\F\ \S\ \T\ \R\ \E\). Each call stamps its own MSH-7 (message time) and MSH-10 (control id):
// the per-message noise Ficus ignores by default, so it is never something to learn.
import { hexId } from '../clinical-values.ts';
import type { Json, JsonObject, WireCall, WireFormat } from '../route-spec.ts';

const FIELD = '|';
const ENCODING = '^~\\&';

export const HL7V2_WIRE: WireFormat = {
  name: 'hl7v2',
  write: (doc, call) => ({ body: Buffer.from(writeEr7(stamped(doc, call)), 'latin1'), contentType: 'application/hl7-v2' }),
  removalNeedsSibling: true,
  // A new component after the last one a repetition has (PID-5.7 beside PID-5.1..6).
  addedKey: (parent) => String(Math.max(0, ...Object.keys(parent).map(Number).filter(Number.isInteger)) + 1),
};

/** MSH-7 as an ER7 timestamp (YYYYMMDDHHMMSS) of this call, MSH-10 a fresh control id. */
function stamped(doc: JsonObject, call: WireCall): JsonObject {
  const msh = (doc.MSH as JsonObject[] | undefined)?.[0];
  if (!msh) return doc;
  const at = new Date(call.callMs).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return { ...doc, MSH: [{ ...msh, 7: [{ 1: at }], 10: [{ 1: `${call.side === 'legacy' ? 'L' : 'N'}${hexId(call.random, 10)}` }] }] };
}

export function writeEr7(doc: JsonObject): string {
  const lines: string[] = [];
  for (const [id, occurrences] of Object.entries(doc)) {
    for (const segment of occurrences as JsonObject[]) lines.push(writeSegment(id, segment));
  }
  // Segments end in CR (v2 §2.5).
  return `${lines.join('\r')}\r`;
}

function writeSegment(id: string, segment: JsonObject): string {
  const header = id === 'MSH';
  const numbers = Object.keys(segment).map(Number).filter((n) => !header || n > 2);
  const last = Math.max(0, ...numbers);
  const fields: string[] = [];
  for (let n = header ? 3 : 1; n <= last; n++) fields.push(writeField(segment[String(n)]));
  return header ? `MSH${FIELD}${ENCODING}${FIELD}${fields.join(FIELD)}` : `${id}${FIELD}${fields.join(FIELD)}`;
}

function writeField(value: Json | undefined): string {
  if (value === undefined || value === null) return '';
  // A plain string is one repetition of one component (noise fields are written that way).
  if (typeof value !== 'object') return escapeEr7(String(value));
  return (value as Json[]).map((repetition) => writeRepetition(repetition as JsonObject)).join('~');
}

function writeRepetition(repetition: JsonObject): string {
  const last = Math.max(0, ...Object.keys(repetition).map(Number));
  const components: string[] = [];
  for (let n = 1; n <= last; n++) {
    const component = repetition[String(n)];
    if (component !== null && typeof component === 'object') {
      const parts = component as JsonObject;
      const end = Math.max(0, ...Object.keys(parts).map(Number));
      components.push(Array.from({ length: end }, (_, i) => escapeEr7(String(parts[String(i + 1)] ?? ''))).join('&'));
    } else components.push(component === undefined || component === null ? '' : escapeEr7(String(component)));
  }
  return components.join('^');
}

/** v2.5.1 §2.7: the escape character first, so the sequences written next are not escaped again. */
export function escapeEr7(value: string): string {
  return value.replaceAll('\\', '\\E\\').replaceAll('|', '\\F\\').replaceAll('^', '\\S\\').replaceAll('&', '\\T\\').replaceAll('~', '\\R\\');
}
