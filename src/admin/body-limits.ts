// Request-body limits for every admin endpoint. The admin app shares the process with the proxy:
// a 400 MB body posted to /login (no token needed) once took 2 GB of RSS from clinicians' traffic.
// hono's bodyLimit refuses a declared Content-Length over the limit before reading a byte, and
// stops a chunked body at the limit; the 413 closes the connection so the rest is never read.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AuthVariables } from './auth.ts';

export interface AdminBodyLimits {
  /** The login and logout forms (a token and a nonce). */
  readonly formBytes: number;
  /** Everything else: JSON writes carry a reason of at most 2,000 characters. */
  readonly apiBytes: number;
}

export const DEFAULT_ADMIN_BODY_LIMITS: AdminBodyLimits = { formBytes: 4 * 1024, apiBytes: 64 * 1024 };

export function limitAdminBodies(limits: AdminBodyLimits, isForm: (path: string) => boolean): MiddlewareHandler<{ Variables: AuthVariables }> {
  const refuse = (maxSize: number) => bodyLimit({
    maxSize,
    onError: (c) => {
      c.set('refusal', 'body-too-large');
      return c.json({ error: 'payload_too_large', message: `request bodies here are limited to ${maxSize} bytes` }, 413, { Connection: 'close' });
    },
  });
  const form = refuse(limits.formBytes);
  const api = refuse(limits.apiBytes);
  return function limitAdminBodiesMiddleware(c, next) {
    return (isForm(c.req.path) ? form : api)(c, next);
  };
}
