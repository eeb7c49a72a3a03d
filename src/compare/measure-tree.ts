// Bounds a parsed tree (HL7 v2, XML) with the same limits a JSON body gets before JSON.parse
// (checkJsonShape): a v2 segment of a million fields or an XML element with a million attributes is
// small in bytes and large in keys, and the diff's cost follows the keys.
import type { ShapeViolation } from './check-json-shape.ts';
import type { CompareLimits } from './compare-limits.ts';

export function measureTree(tree: unknown, limits: Pick<CompareLimits, 'depth' | 'keys' | 'elements'>): ShapeViolation | null {
  let keys = 0;
  let elements = 0;
  const stack: { value: unknown; depth: number }[] = [{ value: tree, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= limits.depth) return 'too-deep';
    if (Array.isArray(value)) {
      elements += value.length;
      if (elements > limits.elements) return 'too-many-elements';
      for (const child of value) stack.push({ value: child, depth: depth + 1 });
    } else {
      const children = Object.values(value);
      keys += children.length;
      if (keys > limits.keys) return 'too-many-keys';
      for (const child of children) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return null;
}
