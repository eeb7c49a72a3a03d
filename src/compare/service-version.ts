// The new service's version as a route's version header reports it. The value comes from an
// upstream we do not control and ends up in the store and the API, so only a short token of
// version-like characters is kept; anything else is recorded as 'invalid' rather than echoed.

const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/** Undefined when the route names no header or the response lacks it. */
export function serviceVersionOf(headers: Readonly<Record<string, string>>, headerName: string | undefined): string | undefined {
  if (!headerName) return undefined;
  const value = headers[headerName.toLowerCase()]?.trim();
  if (!value) return undefined;
  return VERSION.test(value) ? value : 'invalid';
}
