import type { JsonType } from './types.ts';

/** The JSON type of a decoded value; 'absent' for undefined (no value at that location). */
export function jsonTypeOf(value: unknown): JsonType {
  if (value === undefined) return 'absent';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}
