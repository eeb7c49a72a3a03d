// Bearer-token auth for the admin API. Tokens are compared as SHA-256 digests in constant time,
// and the per-person tokens file stores only those digests, so a leaked file grants nothing.
// Roles: viewer (read) and operator (read + write). Every write names its actor.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

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

export type AuthVariables = { principal: Principal };

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
