// Header rules for a faithful hop. Headers are rebuilt from rawHeaders (Node lowercases and merges
// `req.headers`), so names keep the case the client or upstream wrote and repeated headers stay
// repeated. Only what RFC 9110 §7.6.1 says belongs to one connection is removed.

/** Hop-by-hop fields (RFC 9110 §7.6.1), lowercased. Transfer-Encoding is re-framed by Node itself. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'trailer']);

/**
 * Fields only Ficus may set on a request to an upstream (a client cannot forge a shadow copy), and
 * `Expect`, which Ficus answers itself (Node's server sends 100 Continue before the body is read).
 */
const FICUS_ONLY = new Set(['ficus-shadow', 'ficus-shadow-ack', 'expect']);

export type HeaderEntries = Array<[name: string, value: string | string[]]>;

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

/** Names listed in Connection are hop-by-hop too ("Connection: close, X-Internal"). */
function connectionListed(raw: readonly string[]): Set<string> | undefined {
  let listed: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 10 && raw[i]!.toLowerCase() === 'connection') {
      for (const token of raw[i + 1]!.split(',')) {
        const name = token.trim().toLowerCase();
        if (name) (listed ??= new Set()).add(name);
      }
    }
  }
  return listed;
}

/** Request headers for the upstream, grouped by name in first-seen order, case as sent. */
export function buildRequestHeaders(raw: readonly string[], options: RequestHeaderOptions): HeaderEntries {
  const listed = connectionListed(raw);
  const grouped = new Map<string, [string, string | string[]]>();
  const { forwarded } = options;
  let xff: string | undefined;
  let xfProto: string | undefined;
  let xfHost: string | undefined;
  let host: string | undefined;
  let chunked = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    if (lower === 'transfer-encoding') chunked ||= /chunked/i.test(value);
    const keptForUpgrade = options.upgrade === true && (lower === 'connection' || lower === 'upgrade');
    if (HOP_BY_HOP.has(lower) && !keptForUpgrade) continue;
    // `Connection: Upgrade` lists Upgrade itself: a handshake must keep it.
    if (FICUS_ONLY.has(lower) || (listed?.has(lower) && !keptForUpgrade) || options.drop?.has(lower)) continue;
    if (lower === 'x-forwarded-for') { xff = xff === undefined ? value : `${xff}, ${value}`; continue; }
    if (lower === 'x-forwarded-proto') { xfProto ??= value; continue; }
    if (lower === 'x-forwarded-host') { xfHost ??= value; continue; }
    if (lower === 'host') host = value;
    const entry = grouped.get(lower);
    if (!entry) grouped.set(lower, [name, value]);
    else entry[1] = Array.isArray(entry[1]) ? [...entry[1], value] : [entry[1], value];
  }
  if (options.hostOverride !== undefined) grouped.set('host', [grouped.get('host')?.[0] ?? 'Host', options.hostOverride]);
  // Node frames the body itself; a chunked request stays chunked (the upstream gets the same bytes).
  if (chunked) grouped.set('transfer-encoding', ['Transfer-Encoding', 'chunked']);
  const out: HeaderEntries = [...grouped.values()];
  const peer = forwarded.remoteAddress.startsWith('::ffff:') ? forwarded.remoteAddress.slice(7) : forwarded.remoteAddress;
  out.push(['X-Forwarded-For', forwarded.trusted && xff ? `${xff}, ${peer}` : peer]);
  out.push(['X-Forwarded-Proto', forwarded.trusted && xfProto ? xfProto : forwarded.protocol]);
  const forwardedHost = forwarded.trusted && xfHost ? xfHost : host;
  if (forwardedHost !== undefined) out.push(['X-Forwarded-Host', forwardedHost]);
  return out;
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
