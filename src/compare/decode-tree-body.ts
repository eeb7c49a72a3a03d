// HL7 v2 and XML bodies decoded into the trees the structural diff walks (formats/hl7v2-tree.ts,
// formats/xml-tree.ts), by charset, bounded like JSON. Unparseable is 'decode-failed' and over a
// limit is the limit's reason: the pair is uncomparable and counted, never a silent match.
//
// Charsets. An HL7 v2 body is read as ISO-8859-1 unless Content-Type names a charset: one byte,
// one character, so every byte stays exact (WHATWG would map the label to windows-1252). Without a
// charset, MSH-18 names the message's own (e.g. "UNICODE UTF-8"), and the message is read again
// with it. An XML body without a charset is read by its declaration's encoding, else UTF-8.
import type { ShapeViolation } from './check-json-shape.ts';
import type { CompareLimits } from './compare-limits.ts';
import { parseHl7v2, type Hl7Tree } from './formats/hl7v2-tree.ts';
import { parseXml } from './formats/xml-tree.ts';
import { measureTree } from './measure-tree.ts';

export type TreeDecoding =
  | { readonly kind: 'hl7v2'; readonly tree: Hl7Tree }
  | { readonly kind: 'xml'; readonly tree: Record<string, unknown> }
  | { readonly kind: 'uncomparable'; readonly reason: 'decode-failed' | ShapeViolation };

type TreeLimits = Pick<CompareLimits, 'depth' | 'keys' | 'elements'>;

const LATIN1_LABELS = new Set(['iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'iso_8859-1', 'us-ascii', 'ascii']);

/** Text of bytes in a charset; ISO-8859-1 exact; null when the charset is unknown or the bytes are invalid in it. */
export function decodeCharset(bytes: Buffer, charset: string): string | null {
  if (LATIN1_LABELS.has(charset)) return bytes.toString('latin1');
  try {
    return new TextDecoder(charset, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** HL7 table 0211 (MSH-18) values that name something other than ISO-8859-1 / ASCII. */
const MSH18_CHARSETS: Readonly<Record<string, string>> = {
  'UNICODE UTF-8': 'utf-8',
  'UNICODE UTF-16': 'utf-16le',
  '8859/2': 'iso-8859-2',
  '8859/5': 'iso-8859-5',
  '8859/7': 'iso-8859-7',
  '8859/15': 'iso-8859-15',
};

export function decodeHl7v2(bytes: Buffer, charset: string | null, limits: TreeLimits): TreeDecoding {
  const text = charset ? decodeCharset(bytes, charset) : bytes.toString('latin1');
  if (text === null) return { kind: 'uncomparable', reason: 'decode-failed' };
  let parsed = parseHl7v2(text, { maxSegments: limits.elements });
  if (parsed.ok && !charset) {
    const declared = MSH18_CHARSETS[characterSetOf(parsed.tree).toUpperCase()];
    if (declared) {
      const again = decodeCharset(bytes, declared);
      if (again === null) return { kind: 'uncomparable', reason: 'decode-failed' };
      parsed = parseHl7v2(again, { maxSegments: limits.elements });
    }
  }
  if (!parsed.ok) return { kind: 'uncomparable', reason: parsed.reason === 'hl7v2-too-large' ? 'too-many-elements' : 'decode-failed' };
  const violation = measureTree(parsed.tree, limits);
  return violation ? { kind: 'uncomparable', reason: violation } : { kind: 'hl7v2', tree: parsed.tree };
}

/** MSH-18's first repetition, first component ('' when absent). */
function characterSetOf(tree: Hl7Tree): string {
  const field = tree.MSH?.[0]?.['18'];
  const value = typeof field === 'string' ? field : field?.[0]?.['1'];
  return typeof value === 'string' ? value : '';
}

export function decodeXml(bytes: Buffer, charset: string | null, limits: TreeLimits): TreeDecoding {
  const text = decodeCharset(bytes, charset ?? declaredXmlEncoding(bytes) ?? 'utf-8');
  if (text === null) return { kind: 'uncomparable', reason: 'decode-failed' };
  const parsed = parseXml(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, { maxDepth: limits.depth, maxElements: limits.elements });
  if (!parsed.ok) return { kind: 'uncomparable', reason: parsed.reason === 'xml-too-large' ? 'too-many-elements' : 'decode-failed' };
  const violation = measureTree(parsed.tree, limits);
  return violation ? { kind: 'uncomparable', reason: violation } : { kind: 'xml', tree: parsed.tree };
}

function declaredXmlEncoding(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 200).toString('latin1');
  return /^(?:\u00ef\u00bb\u00bf)?<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
}
