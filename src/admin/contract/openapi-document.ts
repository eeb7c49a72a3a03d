// Renders the operation table (api-operations.ts) as an OpenAPI 3.1 document. Request schemas come
// from zod (z.toJSONSchema, input side: what a client sends, before coercion and defaults' output);
// every refusal points at the one Error schema. Built once at start: it depends on nothing at run time.
import { z } from 'zod';
import { API_OPERATIONS, type ApiOperation } from './api-operations.ts';
import { ErrorBody } from './api-schemas.ts';

type Json = Record<string, unknown>;

const ERROR_REF = { $ref: '#/components/schemas/Error' };
const refusal = (description: string) => ({ description, content: { 'application/json': { schema: ERROR_REF } } });

/** Answers every operation of an access level can give, whatever the endpoint. */
function commonRefusals(op: ApiOperation): Json {
  if (op.access === 'open') return {};
  return {
    ...(op.query || op.body ? { 400: refusal('bad_request: the query or body failed validation; `issues` names every field') } : {}),
    401: refusal('unauthorized: no valid bearer token'),
    ...(op.access === 'operator' ? { 403: refusal('forbidden: this action needs the operator role') } : {}),
    ...(op.body ? { 413: refusal('payload_too_large: the body is over the admin body limit') } : {}),
    429: refusal('locked_out: too many wrong tokens from this address (Retry-After says when to retry)'),
    500: refusal('internal: the Ficus log has the detail'),
    503: refusal(op.access === 'operator' ? 'store_unavailable, or audit_unavailable: the change was rolled back' : 'store_unavailable: the store is down; the proxy keeps serving (Retry-After)'),
  };
}

/** JSON Schema for one zod schema, without the per-schema $schema key (the document declares the dialect). */
function schemaOf(schema: z.ZodType): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Json;
  return rest;
}

function parametersOf(op: ApiOperation): Json[] {
  const inPath = [...op.path.matchAll(/:(\w+)/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  const inQuery = Object.entries(op.query?.shape ?? {}).map(([name, field]) => {
    const { description, ...schema } = schemaOf(field as z.ZodType);
    return { name, in: 'query', required: !(field as z.ZodType).safeParse(undefined).success, ...(description ? { description } : {}), schema };
  });
  return [...inPath, ...inQuery];
}

function operationOf(op: ApiOperation): Json {
  const content = { [op.contentType ?? 'application/json']: { schema: op.contentType ? { type: 'string' } : { type: 'object' } } };
  const answers: Json = { 200: { description: op.returns, content } };
  for (const [status, description] of Object.entries(op.alsoAnswers ?? {})) answers[status] = { description, content };
  for (const [status, description] of Object.entries(op.refusals ?? {})) answers[status] = refusal(description);
  const parameters = parametersOf(op);
  return {
    operationId: `${op.method}${op.path.replace(/[^A-Za-z0-9]+(\w)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: op.summary,
    tags: [op.access === 'open' ? 'open' : op.access],
    ...(op.access === 'open' ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(op.body) } } } } : {}),
    responses: { ...answers, ...commonRefusals(op) },
  };
}

/** `/api/routes/:id/mode` → `/api/routes/{id}/mode`. */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:(\w+)/g, '{$1}');
}

export function createOpenApiDocument(operations: readonly ApiOperation[] = API_OPERATIONS, version = '0.1.0'): Json {
  const paths: Record<string, Json> = {};
  for (const op of operations) (paths[openApiPath(op.path)] ??= {})[op.method] = operationOf(op);
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Ficus admin API',
      version,
      description: 'The control plane of the Ficus proxy. Send `Authorization: Bearer <token>`; viewer tokens read, operator tokens also write, and every write needs a reason that goes into the audit log. The same API is served under /_ficus/api to the dashboard\'s session.',
    },
    security: [{ bearer: [] }],
    tags: [{ name: 'viewer', description: 'any valid token' }, { name: 'operator', description: 'operator tokens only' }, { name: 'open', description: 'no token' }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: schemaOf(ErrorBody) },
    },
  };
}
