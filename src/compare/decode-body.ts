// Turns captured bytes into something comparable: undo Content-Encoding, then pick JSON, HL7 v2,
// XML, text or an opaque hash by Content-Type (or the route's `compare.format`, which wins). Every body is bounded (compareLimits.ts) before it is parsed,
// because a capped compressed body can expand a thousandfold (a "zip bomb" needs no malice, just a
// big list): zlib's maxOutputLength makes the decompressor itself stop once its output passes the
// cap (it works chunk by chunk and throws ERR_BUFFER_TOO_LARGE), so a bomb is never inflated whole;
// JSON text is then measured (depth, keys, elements) by checkJsonShape before JSON.parse.
import { createHash } from 'node:crypto';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { checkJsonShape, type ShapeViolation } from './check-json-shape.ts';
import { DEFAULT_COMPARE_LIMITS, type CompareLimits } from './compare-limits.ts';
import { decodeCharset, decodeHl7v2, decodeXml } from './decode-tree-body.ts';
import type { Hl7Tree } from './formats/hl7v2-tree.ts';
import type { CapturedResponse } from './types.ts';
import { parseJsonWritten } from './written-number.ts';

export type DecodedBody =
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'hl7v2'; readonly tree: Hl7Tree }
  | { readonly kind: 'xml'; readonly tree: Record<string, unknown> }
  | { readonly kind: 'binary'; readonly sha256: string };

export type DecodeFailure = { readonly kind: 'uncomparable'; readonly reason: 'decode-failed' | 'unsupported-encoding' | 'decoded-too-large' | ShapeViolation };

export type BodyDecoding = DecodedBody | DecodeFailure;

/** How a body is read: by its Content-Type unless the route names the format. */
export type BodyFormat = 'json' | 'hl7v2' | 'xml' | 'text';

export function decodeBody(
  captured: Pick<CapturedResponse, 'headers' | 'body'>,
  limits: Pick<CompareLimits, 'decodedBytes' | 'depth' | 'keys' | 'elements'> = DEFAULT_COMPARE_LIMITS,
  options: { readonly writtenNumbers?: boolean; readonly format?: BodyFormat | undefined } = {},
): BodyDecoding {
  const bytes = decodeContent(captured.body, captured.headers['content-encoding'], limits.decodedBytes);
  if (!Buffer.isBuffer(bytes)) return bytes;
  if (bytes.length > limits.decodedBytes) return { kind: 'uncomparable', reason: 'decoded-too-large' };
  const media = parseContentType(captured.headers['content-type']);
  const chosen = options.format ?? formatOf(media.type);
  // An empty body (204, HEAD, an error page without content) is no document; compare it as text.
  if (chosen !== undefined && chosen !== 'text' && bytes.length === 0) return { kind: 'text', text: '' };
  if (chosen === 'hl7v2') return decodeHl7v2(bytes, media.charset, limits);
  if (chosen === 'xml') return decodeXml(bytes, media.charset, limits);
  if (chosen === 'json') {
    const violation = checkJsonShape(bytes, limits);
    if (violation) return { kind: 'uncomparable', reason: violation };
    try {
      const text = stripBom(bytes.toString('utf8'));
      return { kind: 'json', value: options.writtenNumbers ? parseJsonWritten(text) : (JSON.parse(text) as unknown) };
    } catch {
      return { kind: 'uncomparable', reason: 'decode-failed' };
    }
  }
  if (chosen === 'text') return decodeText(bytes, media.charset);
  return hashBody(bytes);
}

const HL7V2_MEDIA_TYPES = new Set(['application/hl7-v2', 'x-application/hl7-v2+er7', 'application/hl7-v2+er7']);

/** The format a media type names; undefined for anything else (compared as an opaque hash). */
export function formatOf(type: string): BodyFormat | undefined {
  if (isJsonMediaType(type)) return 'json';
  if (HL7V2_MEDIA_TYPES.has(type)) return 'hl7v2';
  if (type === 'application/xml' || type === 'text/xml' || (type.startsWith('application/') && type.endsWith('+xml'))) return 'xml';
  if (type.startsWith('text/')) return 'text';
  return undefined;
}

function decodeContent(body: Buffer, encodingHeader: string | undefined, maxOutputLength: number): Buffer | DecodeFailure {
  // RFC 9110 §8.4: codings are listed in the order applied, so they are undone last first.
  const codings = (encodingHeader ?? '').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c && c !== 'identity');
  let bytes = body;
  for (const coding of codings.reverse()) {
    const decode = DECODERS[coding];
    if (!decode) return { kind: 'uncomparable', reason: 'unsupported-encoding' };
    try {
      bytes = decode(bytes, maxOutputLength);
    } catch (error) {
      const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError;
      return { kind: 'uncomparable', reason: tooLarge ? 'decoded-too-large' : 'decode-failed' };
    }
  }
  return bytes;
}

const DECODERS: Readonly<Record<string, (bytes: Buffer, maxOutputLength: number) => Buffer>> = {
  gzip: (bytes, maxOutputLength) => gunzipSync(bytes, { maxOutputLength }),
  'x-gzip': (bytes, maxOutputLength) => gunzipSync(bytes, { maxOutputLength }),
  br: (bytes, maxOutputLength) => brotliDecompressSync(bytes, { maxOutputLength }),
  // "deflate" means zlib-wrapped (RFC 9110 §8.4.1.2), but some servers send raw deflate.
  deflate: (bytes, maxOutputLength) => {
    try {
      return inflateSync(bytes, { maxOutputLength });
    } catch (error) {
      if (error instanceof RangeError) throw error;
      return inflateRawSync(bytes, { maxOutputLength });
    }
  },
};

function parseContentType(header: string | undefined): { type: string; charset: string | null } {
  const [type = '', ...params] = (header ?? '').split(';');
  let charset: string | null = null;
  for (const param of params) {
    const [name, value] = param.split('=');
    if (name?.trim().toLowerCase() === 'charset' && value) charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
  }
  return { type: type.trim().toLowerCase(), charset };
}

function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

function decodeText(bytes: Buffer, charset: string | null): BodyDecoding {
  // WHATWG maps the label iso-8859-1 to windows-1252; legacy feeds mean true ISO-8859-1 (decodeCharset).
  const text = decodeCharset(bytes, charset ?? 'utf-8');
  // Unknown charset or invalid bytes: text comparison is equality anyway, so compare the bytes.
  return text === null ? hashBody(bytes) : { kind: 'text', text };
}

function hashBody(bytes: Buffer): DecodedBody {
  return { kind: 'binary', sha256: createHash('sha256').update(bytes).digest('hex') };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
