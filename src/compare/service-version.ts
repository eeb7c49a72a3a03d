// The new service's version as a route's version header reports it. The value comes from an
// upstream we do not control and ends up in the store and the API, so only what looks like a
// version is kept — a release number (`1.5.0`, `v2`, `2024.11.3-rc.1+build.7`) or a commit hash
// (`a1b2c3d`) — and anything else is recorded as 'invalid' rather than echoed: a service that put
// a surname or an MRN-like word in the header ("JaneDoe", "MRN12345") must not write it into the
// evidence. A service that puts a new number in every answer (a request id, a timestamp) is capped
// per route: past MAX_VERSIONS_PER_ROUTE distinct values, new ones are kept as 'other'.

const RELEASE = /^v?\d{1,9}(?:\.\d{1,9}){0,3}(?:-[0-9A-Za-z][0-9A-Za-z.-]{0,31})?(?:\+[0-9A-Za-z][0-9A-Za-z.-]{0,31})?$/;
const COMMIT = /^[0-9a-f]{7,40}$/;
/** `1985-04-12` is a valid release with a pre-release tag — and a date of birth. */
const DATE_LIKE = /\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}/;

export const MAX_VERSIONS_PER_ROUTE = 16;

/** Undefined when the route names no header or the response lacks it. */
export function serviceVersionOf(headers: Readonly<Record<string, string>>, headerName: string | undefined): string | undefined {
  if (!headerName) return undefined;
  const value = headers[headerName.toLowerCase()]?.trim();
  if (!value) return undefined;
  return (RELEASE.test(value) || COMMIT.test(value)) && !DATE_LIKE.test(value) ? value : 'invalid';
}

/** Keeps at most `max` distinct versions per route for this process's life; later ones become 'other'. */
export function createVersionCap(max = MAX_VERSIONS_PER_ROUTE): (route: string, version: string) => string {
  const seen = new Map<string, Set<string>>();
  return (route, version) => {
    let versions = seen.get(route);
    if (!versions) seen.set(route, (versions = new Set()));
    if (versions.has(version)) return version;
    if (versions.size >= max) return 'other';
    versions.add(version);
    return version;
  };
}
