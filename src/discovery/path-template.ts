// A request's PHI-safe endpoint template: a path segment is kept only when it is an endpoint word —
// a literal segment of the route files or a word of the built-in API vocabulary — and everything
// else is '*' before it is counted, held in memory or stored. Traffic never proves a word: one busy
// chart would prove its patient's surname (`/patients/quigglesworth/summary` read 200 times).
import { METHODS } from 'node:http';
import { classifyPathSegment } from './classify-path-segment.ts';

/** Deeper paths end in one '…' segment: a scan of ever-deeper paths must not store long strings. */
export const MAX_TEMPLATE_SEGMENTS = 32;
const KNOWN_METHODS = new Set(METHODS);

export function templateOf(rawPath: string, vocabulary: ReadonlySet<string>): string {
  const segments = (rawPath.split('?')[0] ?? '/').split('/').slice(1);
  const kept = segments.slice(0, MAX_TEMPLATE_SEGMENTS).map((segment) => {
    const cls = classifyPathSegment(segment, vocabulary);
    return cls.kind === 'word' && cls.known ? segment : '*';
  });
  if (segments.length > MAX_TEMPLATE_SEGMENTS) kept.push('…');
  return `/${kept.join('/')}`;
}

/**
 * A stored template shown under today's vocabulary: a word a reload removed from the route files
 * is no longer shown for traffic recorded before (the store keeps the template it was written with).
 */
export function remaskTemplate(template: string, vocabulary: ReadonlySet<string>): string {
  return template.split('/').map((s, i) => (i === 0 || s === '*' || s === '…' || vocabulary.has(s) ? s : '*')).join('/');
}

/** Only methods Node knows: the method is client input too, and stored. */
export function methodOf(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'OTHER';
}

/** The literal segments of the route files' paths: endpoint words the map may show from the start. */
export function routeWordsOf(routes: readonly { readonly match: { readonly path: string } }[]): string[] {
  return routes.flatMap((r) => r.match.path.split('/').filter((s) => s && !s.startsWith(':') && s !== '*'));
}
