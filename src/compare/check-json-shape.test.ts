import { describe, expect, it } from 'vitest';
import { checkJsonShape } from './check-json-shape.ts';

const roomy = { depth: 100, keys: 1_000, elements: 1_000 };
const check = (value: unknown, limits: Partial<typeof roomy> = {}) => checkJsonShape(Buffer.from(JSON.stringify(value)), { ...roomy, ...limits });

describe('checkJsonShape', () => {
  it('accepts a document exactly at every limit', () => {
    expect(check({ a: [1, 2, [3]], b: { c: 'x' } }, { depth: 3, keys: 3, elements: 4 })).toBeNull();
  });

  it('names the limit a document exceeds by one', () => {
    expect(check({ a: [1, 2, [3]], b: { c: 'x' } }, { depth: 2 })).toBe('too-deep');
    expect(check({ a: [1, 2, [3]], b: { c: 'x' } }, { keys: 2 })).toBe('too-many-keys');
    expect(check({ a: [1, 2, [3]], b: { c: 'x' } }, { elements: 3 })).toBe('too-many-elements');
  });

  it('counts nothing inside strings, escaped quotes and backslashes included', () => {
    const tricky = ['{"a":[1,2]}', 'say \\"[{:,}]\\"', '\\', '\\\\"', ':::,,,[[['];
    expect(check({ text: tricky }, { depth: 2, keys: 1, elements: 5 })).toBeNull();
    expect(check({ text: tricky }, { elements: 4 })).toBe('too-many-elements');
  });

  it('counts empty containers as no elements and a single element as one', () => {
    expect(check([[], {}, [[]]], { elements: 4 })).toBeNull();
    expect(check([[], {}, [[]]], { elements: 3 })).toBe('too-many-elements');
    expect(check(['only'], { elements: 1 })).toBeNull();
  });

  it('stops at the first violation of a million keys without parsing them', () => {
    const keys = Buffer.from(`{${Array.from({ length: 1_000_000 }, (_, i) => `"k${i}":0`).join(',')}}`);
    expect(checkJsonShape(keys, { depth: 64, keys: 200_000, elements: 200_000 })).toBe('too-many-keys');
  });

  it('refuses nesting deeper than the limit however it is spelled', () => {
    expect(checkJsonShape(Buffer.from('['.repeat(100_000)), { depth: 64, keys: 10, elements: 1_000_000 })).toBe('too-deep');
    expect(checkJsonShape(Buffer.from('{"a":'.repeat(65) + '1' + '}'.repeat(65)), { depth: 64, keys: 100, elements: 10 })).toBe('too-deep');
  });
});
