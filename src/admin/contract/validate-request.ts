// Request validation for the admin API: a query or a JSON body is parsed by its zod schema before
// the handler runs, and a failure is one 400 naming every bad field. Handlers read the parsed value
// with c.req.valid('query' | 'json'). These run after requireRole, so a caller without a valid
// token learns nothing about the API's rules (401/403 first).
import type { Context, Env, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import type { Issue } from './api-schemas.ts';

type Where = 'query' | 'body';

/** Validates the query string; repeated keys arrive as arrays and fail a string field. */
export function validQuery<S extends z.ZodType>(schema: S): MiddlewareHandler<Env, string, { out: { query: z.output<S> } }> {
  return async function validQueryMiddleware(c, next) {
    const raw = Object.fromEntries(Object.entries(c.req.queries()).map(([k, v]) => [k, v.length === 1 ? v[0] : v]));
    const result = await schema.safeParseAsync(raw);
    if (!result.success) return refuseInvalid(c, 'query', result.error);
    c.req.addValidatedData('query', result.data as object);
    await next();
  };
}

/**
 * Validates a JSON body whatever its declared content type (the CLI and curl users sent JSON as
 * text/plain before this existed); an unparsable body, or one that is not an object, is a 400
 * with the same shape as any other.
 */
export function validBody<S extends z.ZodType>(schema: S): MiddlewareHandler<Env, string, { out: { json: z.output<S> } }> {
  return async function validBodyMiddleware(c, next) {
    const raw: unknown = await c.req.json().catch(() => undefined);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return badRequest(c, 'the request body must be a JSON object', [{ in: 'body', path: '', message: 'expected a JSON object' }]);
    }
    const result = await schema.safeParseAsync(raw);
    if (!result.success) return refuseInvalid(c, 'body', result.error);
    c.req.addValidatedData('json', result.data as object);
    await next();
  };
}

function refuseInvalid(c: Context, where: Where, error: z.ZodError): Response {
  const issues = error.issues.map((issue) => ({ in: where, path: issue.path.join('.'), message: issue.message }));
  return badRequest(c, issues.map((i) => i.message).join('; '), issues);
}

/** The one 400 body: `{ error: 'bad_request', message, issues }` (see ErrorBody). */
export function badRequest(c: Context, message: string, issues?: readonly z.infer<typeof Issue>[]): Response {
  return c.json({ error: 'bad_request', message, ...(issues ? { issues } : {}) }, 400);
}
