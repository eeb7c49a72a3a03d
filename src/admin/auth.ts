// Bearer-token auth for the admin API. Tokens are compared as SHA-256 digests in constant time,
// and the per-person tokens file stores only those digests, so a leaked file grants nothing.
// Roles: viewer (read) and operator (read + write). Every write names its actor. Wrong tokens are
// limited per client with a lockout (attempt-limiter.ts) before any handler runs.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { AdminRefusalReason } from './admin-refusals.ts';
import type { AttemptLimiter } from './attempt-limiter.ts';

export type Role = 'viewer' | 'operator';

export interface Principal {
  readonly actor: string;
  readonly role: Role;
}

export interface TokenEntry {
  readonly name: string;
  readonly role: Role;
  /** Hex SHA-256 of the token. */
  readonly sha256: string;
}

export interface Authenticator {
  authenticate(token: string | undefined): Principal | undefined;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createAuthenticator(entries: readonly TokenEntry[]): Authenticator {
  const digests = entries.map((e) => ({ ...e, digest: Buffer.from(e.sha256, 'hex') }));
  return {
    authenticate(token) {
      if (!token) return undefined;
      const digest = createHash('sha256').update(token).digest();
      // Compare against every entry (no early exit) so timing does not reveal which one matched.
      let found: Principal | undefined;
      for (const entry of digests) {
        if (entry.digest.length === digest.length && timingSafeEqual(entry.digest, digest)) found = { actor: entry.name, role: entry.role };
      }
      return found;
    },
  };
}

export type AuthVariables = { principal: Principal; refusal?: AdminRefusalReason };

/** The socket's peer address (node-server bindings); 'unknown' when the app is called without a socket. */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming?.socket.remoteAddress ?? 'unknown';
}

/**
 * Authenticates an `Authorization` header before anything else on the API: a wrong token counts
 * against the client (401), a locked-out client is refused (429) without its token being looked
 * at. A valid token becomes the principal that requireRole then checks. No header: next (a session
 * or requireRole's 401 decides).
 */
export function bearerAuth(auth: Authenticator, guard: { limiter: AttemptLimiter; onLockout(): void }): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async function bearerAuthMiddleware(c, next) {
    const header = c.req.header('authorization');
    if (header === undefined) return next();
    const client = clientAddress(c);
    const lockedMs = guard.limiter.lockedFor(client);
    if (lockedMs > 0) {
      c.set('refusal', 'token-locked');
      const retryAfter = String(Math.ceil(lockedMs / 1000));
      return c.json({ error: 'locked_out', message: `Too many wrong tokens from this address; try again in ${retryAfter} s.` }, 429, { 'Retry-After': retryAfter });
    }
    const bearer = header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const principal = auth.authenticate(bearer || undefined);
    if (!principal) {
      if (guard.limiter.fail(client)) guard.onLockout();
      return c.json({ error: 'unauthorized', message: 'A valid bearer token is required.' }, 401, { 'WWW-Authenticate': 'Bearer' });
    }
    c.set('principal', principal);
    return next();
  };
}

/** Requires a valid token (401) and, for writes, the operator role (403). Nothing runs before it. */
export function requireRole(auth: Authenticator, role: Role): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async function requireRoleMiddleware(c, next) {
    const existing = c.get('principal') as Principal | undefined;
    const header = c.req.header('authorization');
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const principal = existing ?? auth.authenticate(bearer);
    if (!principal) return c.json({ error: 'unauthorized', message: 'A valid bearer token is required.' }, 401, { 'WWW-Authenticate': 'Bearer' });
    if (role === 'operator' && principal.role !== 'operator') return c.json({ error: 'forbidden', message: 'This action needs the operator role.' }, 403);
    c.set('principal', principal);
    await next();
  };
}
