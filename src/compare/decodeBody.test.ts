import { createHash } from 'node:crypto';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compareResponses } from './compareResponses.ts';
import { compileCompareRules } from './compileCompareRules.ts';
import { decodeBody } from './decodeBody.ts';
import type { CapturedResponse } from './types.ts';

const bundle = JSON.stringify({ resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Observation', valueQuantity: { value: 7.2 } } }] });
const captured = (body: Buffer, headers: Record<string, string>): CapturedResponse => ({ status: 200, headers, body, truncated: false });

describe('decodeBody', () => {
  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['deflate', deflateRawSync],
    ['br', brotliCompressSync],
  ] as const)('decodes a %s body to the same JSON as the plain body', async (encoding, encode) => {
    const plain = captured(Buffer.from(bundle), { 'content-type': 'application/json' });
    const encoded = captured(encode(Buffer.from(bundle)), { 'content-type': 'application/json', 'content-encoding': encoding });
    expect(decodeBody(encoded)).toEqual({ kind: 'json', value: JSON.parse(bundle) });
    const rules = await compileCompareRules(undefined, { baseDir: '.' });
    expect(compareResponses(plain, encoded, rules).verdict).toBe('match');
  });

  it('treats any +json media type as JSON, ignoring parameters and a BOM', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]);
    expect(decodeBody(captured(body, { 'content-type': 'application/fhir+json; fhirVersion=4.0' }))).toEqual({ kind: 'json', value: { a: 1 } });
  });

  it('decodes ISO-8859-1 HL7 v2 text as latin1', () => {
    const message = 'MSH|^~\\&|LEGACY|HOSP\rPID|1||MRN-99887766||Müller^Jürgen\r';
    const decoded = decodeBody(captured(Buffer.from(message, 'latin1'), { 'content-type': 'application/hl7-v2; charset=ISO-8859-1' }));
    expect(decoded).toEqual({ kind: 'text', text: message });
  });

  it('decodes text/* as UTF-8 by default', () => {
    expect(decodeBody(captured(Buffer.from('Zoë'), { 'content-type': 'text/plain' }))).toEqual({ kind: 'text', text: 'Zoë' });
  });

  it('hashes anything else', () => {
    const expected = createHash('sha256').update('%PDF').digest('hex');
    expect(decodeBody(captured(Buffer.from('%PDF'), { 'content-type': 'application/pdf' }))).toEqual({ kind: 'binary', sha256: expected });
  });

  it('makes a corrupt gzip body, an unknown encoding and invalid JSON uncomparable', () => {
    const json = { 'content-type': 'application/json' };
    expect(decodeBody(captured(Buffer.from('not gzip'), { ...json, 'content-encoding': 'gzip' }))).toEqual({ kind: 'uncomparable', reason: 'decode-failed' });
    expect(decodeBody(captured(Buffer.from('{}'), { ...json, 'content-encoding': 'zstd-custom' }))).toEqual({ kind: 'uncomparable', reason: 'unsupported-encoding' });
    expect(decodeBody(captured(Buffer.from('{"a":'), json))).toEqual({ kind: 'uncomparable', reason: 'decode-failed' });
  });

  it('refuses to inflate a body beyond the decoded size cap', () => {
    const bomb = gzipSync(Buffer.alloc(1024 * 1024, 0x20));
    expect(decodeBody(captured(bomb, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }), { maxDecodedBytes: 1024 })).toEqual({ kind: 'uncomparable', reason: 'decoded-too-large' });
  });
});
