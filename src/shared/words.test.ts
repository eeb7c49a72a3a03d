import { describe, expect, it } from 'vitest';
import { isSafeRequest, statusClassOf } from './words.ts';

describe('statusClassOf', () => {
  it.each([[100, '1xx'], [204, '2xx'], [304, '3xx'], [404, '4xx'], [499, '4xx'], [500, '5xx'], [599, '5xx']] as const)('classes %i as %s', (status, expected) => {
    expect(statusClassOf(status)).toBe(expected);
  });
});

describe('isSafeRequest', () => {
  it('treats GET, HEAD and OPTIONS as safe on any route', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) expect(isSafeRequest(method, undefined)).toBe(true);
  });
  it('treats a write as safe only when its route declares it (FHIR _search by POST)', () => {
    expect(isSafeRequest('POST', undefined)).toBe(false);
    expect(isSafeRequest('POST', { config: { safe: false } })).toBe(false);
    expect(isSafeRequest('POST', { config: { safe: true } })).toBe(true);
  });
  it('never treats TRACE as safe to copy', () => {
    expect(isSafeRequest('TRACE', undefined)).toBe(false);
  });
});
