// Requests Node's parser accepts but a reverse proxy must not forward: a target that is not a path
// (the upstream would route by it while Host says something else) and a repeated Host (which of
// the two does the monolith believe?). Refused with 400 before routing, counted by reason.
import type { IncomingMessage } from 'node:http';

export type RefusalReason = 'absolute-form' | 'host-mismatch' | 'duplicate-host' | 'invalid-target';

export type ScreenedRequest =
  | { readonly ok: true; readonly target: string }
  | { readonly ok: false; readonly reason: RefusalReason };

export interface ScreenOptions {
  /**
   * Accept absolute-form targets (`GET http://host/path`) whose authority equals Host, forwarded
   * in origin-form. Off by default: Ficus is a reverse proxy, and a client that talks to it as to a
   * forward proxy is either misconfigured or probing.
   */
  readonly acceptAbsoluteForm?: boolean;
}

const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i;

export function screenRequest(req: IncomingMessage, options: ScreenOptions = {}): ScreenedRequest {
  // RFC 9112 §3.2: a server MUST answer 400 to a request with more than one Host field.
  let hosts = 0;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === 'host') hosts++;
  if (hosts > 1) return { ok: false, reason: 'duplicate-host' };
  const target = req.url ?? '/';
  if (target.startsWith('/')) return { ok: true, target };
  // asterisk-form (RFC 9112 §3.2.4), for a server-wide OPTIONS: the upstream answers it.
  if (target === '*' && req.method === 'OPTIONS') return { ok: true, target };
  const absolute = ABSOLUTE_FORM.exec(target);
  if (!absolute) return { ok: false, reason: 'invalid-target' };
  if (!options.acceptAbsoluteForm) return { ok: false, reason: 'absolute-form' };
  // RFC 9112 §3.2.2 lets the target's authority override Host; Ficus routes and forwards by path
  // with the client's Host, so the two must agree or the request is refused.
  const authority = absolute[1]!.toLowerCase();
  if (authority !== (req.headers.host ?? '').toLowerCase()) return { ok: false, reason: 'host-mismatch' };
  const rest = target.slice(absolute[0].length);
  return { ok: true, target: rest.startsWith('/') ? rest : `/${rest}` };
}

/** The 400 for a refused request; the connection is closed (its body, if any, is never read). */
export function refusalResponse(reason: RefusalReason): { readonly status: 400; readonly headers: Record<string, string | number>; readonly body: string } {
  const body = JSON.stringify({ error: reason, message: 'The request was refused by the proxy.' });
  return { status: 400, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', Connection: 'close' }, body };
}
