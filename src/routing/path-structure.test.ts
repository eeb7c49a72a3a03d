// The segment rule behind route matching (issue 13 item 2): what a parameter may hold. The
// end-to-end proof against a normalising nginx is route-confusion.test.ts; this table pins the
// decoding cases one by one, and the ordinary ids that must keep matching.
import { describe, expect, it } from 'vitest';
import { parsePathPattern } from './path-pattern.ts';
import { findPathStructure } from './path-structure.ts';
import { compileRouteTable, matchRoute } from './route-table.ts';

describe('findPathStructure', () => {
  it.each([
    ['..', 'dot-segment'], ['.', 'dot-segment'], ['...', 'dot-segment'], ['%2E%2e', 'dot-segment'], ['.%2E', 'dot-segment'],
    ['..;a=b', 'dot-segment'], ['..%3Bx', 'dot-segment'], ['..%20', 'dot-segment'], ['%252e%252E', 'dot-segment'], ['%ef%bc%8e%ef%bc%8e', 'dot-segment'],
    ['a%2Fb', 'encoded-slash'], ['a%2fb', 'encoded-slash'], ['a%252Fb', 'encoded-slash'], ['a%25252fb', 'encoded-slash'], ['a%ef%bc%8fb', 'encoded-slash'],
    ['a\\b', 'backslash'], ['a%5Cb', 'backslash'], ['a%255cb', 'backslash'], ['a%ef%bc%bcb', 'backslash'],
    ['a%00', 'control-char'], ['a%0d%0ab', 'control-char'], ['%7f', 'control-char'],
    ['%c0%ae%c0%ae', 'malformed-encoding'], ['%u002e%u002e', 'malformed-encoding'], ['%e0%80%ae', 'malformed-encoding'], ['%2525252525252e', 'malformed-encoding'],
  ])('refuses %s as %s', (segment, reason) => {
    expect(findPathStructure(segment)).toBe(reason);
  });

  it.each(['123', 'pat-0001', 'a.b', '.well-known', 'v1..2', 'O%27Brien', 'caf%C3%A9', '%24everything', '100%25', 'x~y', 'a;b=c', 'a%20b'])('lets the ordinary id %s match', (segment) => {
    expect(findPathStructure(segment)).toBeUndefined();
  });
});

describe('route patterns and matching', () => {
  it('refuses a pattern whose literal segment carries path structure', () => {
    expect(parsePathPattern('/fhir/../internal')).toMatchObject({ ok: false });
    expect(parsePathPattern('/fhir/a%2Fb/:id')).toMatchObject({ ok: false });
  });

  it('names the route a refused target would have matched, and stops there', () => {
    const route = (id: string, path: string) => ({ id, match: { methods: ['GET'], path } }) as never;
    const table = compileRouteTable([route('one', '/fhir/Patient/:id'), route('all', '/fhir/*')]);
    expect(matchRoute(table, 'GET', '/fhir/Patient/..%2Fx')).toMatchObject({ kind: 'refused', reason: 'encoded-slash', route: { id: 'one' } });
    expect(matchRoute(table, 'GET', '/fhir/Other/..')).toMatchObject({ kind: 'refused', reason: 'dot-segment', route: { id: 'all' } });
    expect(matchRoute(table, 'GET', '/fhir/Patient/pat-1?x=..%2F')).toMatchObject({ kind: 'matched', params: { id: 'pat-1' } });
  });
});
