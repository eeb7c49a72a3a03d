import { describe, expect, it } from 'vitest';
import { differenceSignature, parseDifferenceSignature, signaturesOf } from './difference-signature.ts';

describe('difference signatures', () => {
  it('round-trip kind and pointer, including the whole-body pointer and pointers with spaces', () => {
    for (const parts of [{ kind: 'removed', pointer: '/birthDate' }, { kind: 'status', pointer: '' }, { kind: 'changed', pointer: '/a b/*/c' }]) {
      expect(parseDifferenceSignature(differenceSignature(parts))).toEqual(parts);
    }
  });

  it('gives one comparison one sorted set, whatever the order and repetition of its records (types and values play no part)', () => {
    const records = [
      { kind: 'removed', pointer: '/name/*/text', controlType: 'string' },
      { kind: 'removed', pointer: '/birthDate', controlType: 'string' },
      { kind: 'removed', pointer: '/name/*/text', controlType: 'null' },
    ];
    expect(signaturesOf(records)).toEqual(['removed /birthDate', 'removed /name/*/text']);
    expect(signaturesOf([...records].reverse())).toEqual(signaturesOf(records));
  });
});
