import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { DEFAULT_COMPARE_LIMITS } from './compare-limits.ts';
import { describe, expect, it } from 'vitest';
import { compareResponses } from './compare-responses.ts';
import { compileCompareRules } from './compile-compare-rules.ts';
import { decodeBody } from './decode-body.ts';
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

  it('decodes ISO-8859-1 HL7 v2 as latin1 into the v2 tree', () => {
    const message = 'MSH|^~\\&|LEGACY|HOSP\rPID|1||MRN-99887766||Müller^Jürgen\r';
    const decoded = decodeBody(captured(Buffer.from(message, 'latin1'), { 'content-type': 'application/hl7-v2; charset=ISO-8859-1' }));
    expect(decoded.kind === 'hl7v2' && decoded.tree.PID?.[0]?.['5']).toEqual([{ '1': 'Müller', '2': 'Jürgen' }]);
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
    expect(decodeBody(captured(bomb, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }), { ...DEFAULT_COMPARE_LIMITS, decodedBytes: 1024 })).toEqual({ kind: 'uncomparable', reason: 'decoded-too-large' });
  });

  it('makes a 30 KB gzip that decodes to a 31 MB JSON array decoded-too-large under the default limits', () => {
    const array = Buffer.from(`[${'0,'.repeat(15_500_000)}0]`);
    const bomb = gzipSync(array, { level: 9 });
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(decodeBody(captured(bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' }))).toEqual({ kind: 'uncomparable', reason: 'decoded-too-large' });
  });

  it('refuses an identity body over the decoded size limit too', () => {
    const body = Buffer.from(JSON.stringify('x'.repeat(2048)));
    expect(decodeBody(captured(body, { 'content-type': 'application/json' }), { ...DEFAULT_COMPARE_LIMITS, decodedBytes: 1024 })).toEqual({ kind: 'uncomparable', reason: 'decoded-too-large' });
  });

  it('makes brotli JSON with a million keys too-many-keys before parsing it, even when its size is allowed', () => {
    const keys = Buffer.from(`{${Array.from({ length: 1_000_000 }, (_, i) => `"${i}":0`).join(',')}}`);
    const body = brotliCompressSync(keys, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
    const limits = { ...DEFAULT_COMPARE_LIMITS, decodedBytes: 64 * 1024 * 1024 };
    expect(decodeBody(captured(body, { 'content-type': 'application/json', 'content-encoding': 'br' }), limits)).toEqual({ kind: 'uncomparable', reason: 'too-many-keys' });
  });

  it('makes JSON nested past the depth limit and arrays past the element limit uncomparable', () => {
    const json = { 'content-type': 'application/json' };
    expect(decodeBody(captured(Buffer.from(`${'['.repeat(65)}${']'.repeat(65)}`), json))).toEqual({ kind: 'uncomparable', reason: 'too-deep' });
    expect(decodeBody(captured(Buffer.from(JSON.stringify([1, 2, 3])), json), { ...DEFAULT_COMPARE_LIMITS, elements: 2 })).toEqual({ kind: 'uncomparable', reason: 'too-many-elements' });
  });
});
