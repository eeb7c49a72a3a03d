// A difference signature names what an acceptance names: route + pointer template + kind. The
// rollups count mismatches by the set of signatures a comparison carried, so accepting (or
// revoking) a signature today re-scores every comparison already collected. Templates and kinds
// only: a signature never carries a value.

export interface SignatureParts {
  readonly kind: string;
  readonly pointer: string;
}

/** `changed /meta/lastUpdated`; a kind never contains a space, so the first space splits. */
export function differenceSignature(parts: SignatureParts): string {
  return `${parts.kind} ${parts.pointer}`;
}

export function parseDifferenceSignature(signature: string): SignatureParts {
  const space = signature.indexOf(' ');
  return space < 0 ? { kind: signature, pointer: '' } : { kind: signature.slice(0, space), pointer: signature.slice(space + 1) };
}

/** The distinct signatures of one comparison's records, sorted so equal sets compare equal. */
export function signaturesOf(records: readonly SignatureParts[]): string[] {
  return [...new Set(records.map(differenceSignature))].sort();
}
