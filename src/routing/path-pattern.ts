// Route path patterns: literal segments, `:name` parameters (one segment) and a trailing `*`
// (the rest). Matched against the RAW path as the client sent it — never a normalised one — so
// `/fhir//Patient/1` or `/fhir/Patient/%2e%2e` do not match a route and pass to legacy untouched.
// A literal segment may not carry path structure itself (`..`, `%2F`, `\`): matching relies on
// literals never absorbing what parameters are refused for.
import { findPathStructure } from './path-structure.ts';

export type PatternSegment =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'rest' };

export type ParsedPattern =
  | { readonly ok: true; readonly segments: readonly PatternSegment[]; readonly params: readonly string[] }
  | { readonly ok: false; readonly message: string };

export function parsePathPattern(pattern: string): ParsedPattern {
  if (!pattern.startsWith('/')) return { ok: false, message: 'must start with /' };
  if (pattern.includes('?')) return { ok: false, message: 'must not contain a query string' };
  const parts = pattern.slice(1).split('/');
  const segments: PatternSegment[] = [];
  const params: string[] = [];
  for (const [index, part] of parts.entries()) {
    if (part === '*') {
      if (index !== parts.length - 1) return { ok: false, message: '`*` may only be the last segment' };
      segments.push({ kind: 'rest' });
    } else if (part.startsWith(':')) {
      const name = part.slice(1);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return { ok: false, message: `bad parameter name "${part}"` };
      if (params.includes(name)) return { ok: false, message: `parameter ":${name}" used twice` };
      params.push(name);
      segments.push({ kind: 'param', name });
    } else if (part === '' && index !== parts.length - 1) {
      return { ok: false, message: 'empty segment (//) in pattern' };
    } else if (findPathStructure(part)) {
      return { ok: false, message: `segment "${part}" carries path structure (${findPathStructure(part)})` };
    } else {
      segments.push({ kind: 'literal', value: part });
    }
  }
  return { ok: true, segments, params };
}
