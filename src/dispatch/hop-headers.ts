// Header rules for a faithful hop. Headers are rebuilt from rawHeaders (Node lowercases and merges
// `req.headers`), so names keep the case the client or upstream wrote and repeated headers stay
// repeated, one line each, in their order. Only what RFC 9110 §7.6.1 says belongs to one connection is removed.

/** Hop-by-hop fields (RFC 9110 §7.6.1), lowercased. Transfer-Encoding is re-framed by Node itself. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'trailer']);

/**
 * Fields only Ficus may set on a request to an upstream (a client cannot forge a shadow copy), and
 * `Expect`, which Ficus answers itself (Node's server sends 100 Continue before the body is read).
 */
const FICUS_ONLY = new Set(['ficus-shadow', 'ficus-shadow-ack', 'expect']);

/** Fields naming the client that only a trusted proxy may pass on; from anyone else Ficus states the peer. */
const CLIENT_IDENTITY = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded', 'x-real-ip', 'true-client-ip']);

/**
 * End-to-end fields a `Connection` option may not remove: RFC 9110 §7.6.1 forbids naming a field
 * meant for all recipients, and `Connection: Host` once sent a request upstream without Host.
 */
const NOT_CONNECTION_OPTIONS = new Set([
  'host', 'content-length', 'content-type', 'content-encoding', 'cache-control', 'authorization', 'cookie', 'traceparent', 'tracestate',
  ...CLIENT_IDENTITY,
]);

/**
 * The name an upstream framework sees: CGI, WSGI, Rack and PHP map `-` and `_` to the same
 * variable (`Ficus_Shadow` arrives as HTTP_FICUS_SHADOW), so every name Ficus strips or controls is
 * compared in this form. Lowercase input; allocates only for names that contain `_`.
 */
export function canonicalName(lower: string): string {
  return lower.includes('_') ? lower.replaceAll('_', '-') : lower;
}

/**
 * Request header lines for an upstream, one entry per line as the client wrote it: interleaved
 * repeats (`A, B, A`) keep their order, and each line its own case (upstream-request.ts renders them
 * in this order, one line each).
 */
export type HeaderEntries = Array<[name: string, value: string]>;

export interface ForwardedInfo {
  /** The immediate peer's address. */
  readonly remoteAddress: string;
  /** http or https, as Ficus received the request. */
  readonly protocol: 'http' | 'https';
  /** Whether the peer is a configured trusted proxy whose X-Forwarded-* may be kept and appended to. */
  readonly trusted: boolean;
}

export interface RequestHeaderOptions {
  readonly forwarded: ForwardedInfo;
  /** Replaces Host (per-upstream `rewriteHost`). */
  readonly hostOverride?: string;
  /** Keep Connection/Upgrade (WebSocket). */
  readonly upgrade?: boolean;
  /** Names (lowercase) to drop in addition to the hop-by-hop ones, e.g. inbound `baggage`. */
  readonly drop?: ReadonlySet<string>;
}

/**
 * Adds the field names one Connection line lists ("Connection: close, X-Internal") to `listed`.
 * Tokens that are hop-by-hop anyway (keep-alive, upgrade, te…) or not fields (close) are skipped, so
 * the usual `Connection: keep-alive` allocates nothing.
 */
function addConnectionOptions(value: string, listed: Set<string> | undefined): Set<string> | undefined {
  for (const token of value.split(',')) {
    const name = canonicalName(token.trim().toLowerCase());
    if (name && name !== 'close' && !HOP_BY_HOP.has(name) && !NOT_CONNECTION_OPTIONS.has(name)) (listed ??= new Set()).add(name);
  }
  return listed;
}

/** Names listed in the Connection lines of a raw header list. */
function connectionListed(raw: readonly string[]): Set<string> | undefined {
  let listed: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 10 && raw[i]!.toLowerCase() === 'connection') listed = addConnectionOptions(raw[i + 1]!, listed);
  }
  return listed;
}

/**
 * Request headers for the upstream: one entry per line, in the order and case the client sent them.
 * One pass over the raw list; a field named by a Connection line that comes after it is removed at
 * the end (rare: only fields other than the hop-by-hop ones are ever listed).
 */
export function buildRequestHeaders(raw: readonly string[], options: RequestHeaderOptions): HeaderEntries {
  const out: HeaderEntries = [];
  const { forwarded } = options;
  const upgrade = options.upgrade === true;
  let listed: Set<string> | undefined;
  /** Client-identity fields the request carried (any spelling), and a trusted proxy's values. */
  let carried: Set<string> | undefined;
  let identity: Map<string, string> | undefined;
  let host: string | undefined;
  let chunked = false;
  let framingAt = -1;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    if (lower === 'transfer-encoding') {
      chunked ||= /chunked/i.test(value);
      if (framingAt < 0) framingAt = out.length;
    }
    if (lower === 'connection') listed = addConnectionOptions(value, listed);
    const canonical = canonicalName(lower);
    // `Connection: Upgrade` lists Upgrade itself: a handshake keeps both.
    const keptForUpgrade = upgrade && (lower === 'connection' || lower === 'upgrade');
    if (HOP_BY_HOP.has(canonical) && !keptForUpgrade) continue;
    if (FICUS_ONLY.has(canonical) || options.drop?.has(canonical)) continue;
    if (CLIENT_IDENTITY.has(canonical)) {
      (carried ??= new Set()).add(canonical);
      // An underscore alias is never honoured, not even from a trusted proxy: the upstream could
      // not tell it from the real field.
      // Repeated lists are joined (RFC 9110 §5.3); of a single-valued field the first one counts.
      if (forwarded.trusted && canonical === lower) {
        identity ??= new Map();
        const before = identity.get(lower);
        if (before === undefined) identity.set(lower, value);
        else if (lower === 'x-forwarded-for' || lower === 'forwarded') identity.set(lower, `${before}, ${value}`);
      }
      continue;
    }
    if (lower === 'host') {
      // request-screen refuses a repeated Host before this runs, so there is one line to replace.
      host = value;
      if (options.hostOverride !== undefined) {
        out.push([name, options.hostOverride]);
        continue;
      }
    }
    out.push([name, value]);
  }
  const kept = listed === undefined ? out : withoutListed(out, listed, upgrade);
  if (options.hostOverride !== undefined && host === undefined) kept.push(['Host', options.hostOverride]);
  // Node frames the body itself; a chunked request stays chunked (the upstream gets the same bytes),
  // announced where the client announced it.
  if (chunked) kept.splice(listed === undefined ? framingAt : kept.length, 0, ['Transfer-Encoding', 'chunked']);
  appendClientIdentity(kept, { carried: carried ?? NONE, trusted: identity ?? NO_VALUES }, forwarded.protocol, forwarded.remoteAddress, host);
  return kept;
}

const NONE: ReadonlySet<string> = new Set();
const NO_VALUES: ReadonlyMap<string, string> = new Map();

/** The entries whose names no Connection line listed (Connection and Upgrade stay on a handshake). */
function withoutListed(entries: HeaderEntries, listed: ReadonlySet<string>, upgrade: boolean): HeaderEntries {
  return entries.filter(([name]) => {
    const lower = name.toLowerCase();
    return (upgrade && (lower === 'connection' || lower === 'upgrade')) || !listed.has(canonicalName(lower));
  });
}

/**
 * X-Forwarded-* always: appended to a trusted proxy's, else replaced. Forwarded (RFC 7239),
 * X-Real-IP and True-Client-IP only when the request carried them (the monolith sees no field it
 * did not see before): a trusted proxy's pass on (Forwarded gains Ficus's hop); anyone else's, or
 * any underscore alias, are replaced with the peer Ficus saw.
 */
function appendClientIdentity(out: HeaderEntries, sent: { carried: ReadonlySet<string>; trusted: ReadonlyMap<string, string> }, protocol: string, remoteAddress: string, host: string | undefined): void {
  const peer = remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress;
  const kept = sent.trusted;
  const xff = kept.get('x-forwarded-for');
  out.push(['X-Forwarded-For', xff ? `${xff}, ${peer}` : peer]);
  out.push(['X-Forwarded-Proto', kept.get('x-forwarded-proto') ?? protocol]);
  const forwardedHost = kept.get('x-forwarded-host') ?? host;
  if (forwardedHost !== undefined) out.push(['X-Forwarded-Host', forwardedHost]);
  if (sent.carried.has('forwarded')) {
    const element = `for=${peer.includes(':') ? `"[${peer}]"` : peer};proto=${protocol}`;
    const before = kept.get('forwarded');
    out.push(['Forwarded', before ? `${before}, ${element}` : element]);
  }
  if (sent.carried.has('x-real-ip')) out.push(['X-Real-IP', kept.get('x-real-ip') ?? peer]);
  if (sent.carried.has('true-client-ip')) out.push(['True-Client-IP', kept.get('true-client-ip') ?? peer]);
}

/**
 * Response headers for the client as a flat raw array (name, value, name, value…), which
 * `res.writeHead` writes as-is: case kept, repeats kept (several Set-Cookie), order kept.
 */
export function buildResponseHeaders(raw: readonly string[], extra: readonly string[] = [], keepUpgrade = false): string[] {
  const listed = connectionListed(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(lower) && !(keepUpgrade && (lower === 'connection' || lower === 'upgrade'))) continue;
    if (listed?.has(lower)) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  for (const value of extra) out.push(value);
  return out;
}
