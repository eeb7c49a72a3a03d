// Dashboard sessions: the browser never holds a token after login, only a random session id in an
// HttpOnly, SameSite=Strict cookie, mapped server-side to the principal with an expiry. Every write
// made with a session must also carry the session's CSRF token in X-CSRF-Token (the page reads it
// from a <meta> tag), so a forged cross-site request fails even if the cookie were sent.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import type { AuthVariables, Principal } from './auth.ts';

export const SESSION_COOKIE = 'ficus_session';

/**
 * Where the dashboard lives on the admin port, and the session cookie's Path. Cookies ignore
 * ports: with Path=/ a browser would send the admin session to the proxy on the same host (8080
 * beside 8081), and so to legacy and the new services with every clinical request. Scoped to this
 * prefix, it travels only with requests under it, which no route of the EHR uses.
 */
export const DASHBOARD_PATH = '/_ficus';

/** HttpOnly, SameSite=Strict, Path=DASHBOARD_PATH (or narrower), Secure when the browser is on https. */
export function dashboardCookie(c: Context, options: { maxAgeSeconds: number; path?: string; isTrustedProxy?: (address: string) => boolean }): CookieOptions {
  return { httpOnly: true, sameSite: 'Strict', path: options.path ?? DASHBOARD_PATH, maxAge: options.maxAgeSeconds, secure: browserOnHttps(c, options.isTrustedProxy) };
}

/**
 * Whether the browser reached the dashboard over https: this port serves TLS itself, or a proxy the
 * operator trusts (FICUS_TRUSTED_PROXIES) terminated TLS and says so in X-Forwarded-Proto. Behind
 * a TLS-terminating load balancer the admin port itself sees plain http, and a session cookie
 * without Secure would be sent by the browser over any plain-http request to the same host. The
 * header counts only from a trusted peer: anyone else could write it.
 */
export function browserOnHttps(c: Context, isTrustedProxy?: (address: string) => boolean): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  if (!isTrustedProxy) return false;
  const peer = (c.env as { incoming?: { socket: { remoteAddress?: string } } } | undefined)?.incoming?.socket.remoteAddress;
  if (!peer || !isTrustedProxy(peer)) return false;
  // The proxy nearest the browser wrote the first value.
  return c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}

export interface Session {
  readonly id: string;
  readonly principal: Principal;
  readonly csrf: string;
  readonly expiresAt: number;
}

export interface SessionStore {
  create(principal: Principal): Session;
  get(id: string | undefined): Session | undefined;
  destroy(id: string | undefined): void;
  readonly ttlMs: number;
}

export function createSessionStore(deps: { now: () => Date; ttlMs?: number; randomId?: () => string }): SessionStore {
  const ttlMs = deps.ttlMs ?? 8 * 3_600_000;
  const randomId = deps.randomId ?? (() => randomBytes(32).toString('base64url'));
  const sessions = new Map<string, Session>();
  const sweep = (nowMs: number) => {
    for (const [id, s] of sessions) if (s.expiresAt <= nowMs) sessions.delete(id);
  };
  return {
    ttlMs,
    create(principal) {
      const nowMs = deps.now().getTime();
      sweep(nowMs);
      const session = { id: randomId(), principal, csrf: randomId(), expiresAt: nowMs + ttlMs };
      sessions.set(session.id, session);
      return session;
    },
    get(id) {
      if (!id) return undefined;
      const session = sessions.get(id);
      if (!session) return undefined;
      if (session.expiresAt <= deps.now().getTime()) {
        sessions.delete(id);
        return undefined;
      }
      return session;
    },
    destroy(id) {
      if (id) sessions.delete(id);
    },
  };
}

export type SessionVariables = AuthVariables & { session?: Session; client?: string };

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Turns a valid session cookie into the request's principal (requireRole then applies the role).
 * A bearer token wins over a cookie. A write with a session but without the matching CSRF token is
 * refused (403) before any handler runs.
 */
export function sessionAuth(sessions: SessionStore): MiddlewareHandler<{ Variables: SessionVariables }> {
  return async function sessionAuthMiddleware(c, next) {
    if (c.req.header('authorization')) return next();
    const session = sessions.get(getCookie(c, SESSION_COOKIE));
    if (!session) return next();
    if (!SAFE.has(c.req.method) && !sameSecret(c.req.header('x-csrf-token'), session.csrf)) {
      c.set('refusal', 'csrf');
      return c.json({ error: 'forbidden', message: 'Missing or wrong CSRF token; reload the page.' }, 403);
    }
    c.set('principal', session.principal);
    c.set('session', session);
    c.set('client', 'dashboard');
    return next();
  };
}

/** Constant-time comparison of a submitted secret with the expected one. */
export function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
