// Weak ETags carrying the FHIR version id (W/"3"), as FHIR's version-aware updates prescribe.

export function weakEtag(version: number): string {
  return `W/"${version}"`;
}

/** The version named by an If-Match header (W/"3", "3" or 3); undefined when unparseable. */
export function versionFromIfMatch(header: string): number | undefined {
  const match = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(header);
  return match ? Number(match[1]) : undefined;
}
