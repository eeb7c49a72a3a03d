// A small structural check of an OpenAPI 3.1 document: the parts a client generator or a reader
// relies on, not the whole specification. Returns every problem found (empty: structurally valid).
type Json = Record<string, unknown>;

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const PLACES = new Set(['query', 'header', 'path', 'cookie']);
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkOpenApi(doc: unknown): string[] {
  const problems: string[] = [];
  const expect = (ok: boolean, problem: string) => { if (!ok) problems.push(problem); };
  if (!isObject(doc)) return ['the document is not an object'];
  expect(typeof doc.openapi === 'string' && /^3\.1\.\d+$/.test(doc.openapi), 'openapi is not 3.1.x');
  const info = doc.info;
  expect(isObject(info) && typeof info.title === 'string' && typeof info.version === 'string', 'info needs a title and a version');
  expect(isObject(doc.paths), 'paths is not an object');
  const schemes = isObject(doc.components) && isObject(doc.components.securitySchemes) ? doc.components.securitySchemes : {};
  const checkSecurity = (security: unknown, where: string) => {
    if (security === undefined) return;
    expect(Array.isArray(security), `${where}: security is not an array`);
    for (const requirement of Array.isArray(security) ? security : []) for (const name of Object.keys(requirement as Json)) expect(name in schemes, `${where}: unknown security scheme ${name}`);
  };
  checkSecurity(doc.security, 'document');
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
    expect(path.startsWith('/'), `${path}: a path starts with /`);
    const templated = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
    for (const [method, op] of Object.entries(item as Json)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!METHODS.has(method) || !isObject(op)) { problems.push(`${where}: not an operation`); continue; }
      if (typeof op.operationId === 'string') {
        expect(!operationIds.has(op.operationId), `${where}: duplicate operationId ${op.operationId}`);
        operationIds.add(op.operationId);
      }
      const parameters = Array.isArray(op.parameters) ? (op.parameters as Json[]) : [];
      for (const p of parameters) {
        expect(typeof p.name === 'string' && PLACES.has(p.in as string), `${where}: a parameter needs a name and a valid "in"`);
        expect(isObject(p.schema) || isObject(p.content), `${where}: parameter ${String(p.name)} has no schema`);
        if (p.in === 'path') expect(p.required === true && templated.includes(p.name as string), `${where}: path parameter ${String(p.name)} must be required and in the template`);
      }
      for (const name of templated) expect(parameters.some((p) => p.in === 'path' && p.name === name), `${where}: {${name}} is not declared`);
      if (op.requestBody !== undefined) expect(isObject(op.requestBody) && isObject(op.requestBody.content), `${where}: requestBody needs content`);
      const responses = isObject(op.responses) ? op.responses : {};
      expect(Object.keys(responses).length > 0, `${where}: no responses`);
      for (const [status, response] of Object.entries(responses)) {
        expect(/^([1-5]\d\d|[1-5]XX|default)$/.test(status), `${where}: ${status} is not a status code`);
        expect(isObject(response) && typeof response.description === 'string', `${where} ${status}: a response needs a description`);
      }
      checkSecurity(op.security, where);
    }
  }
  for (const ref of refsIn(doc)) expect(resolves(doc, ref), `$ref ${ref} does not resolve`);
  return problems;
}

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, v]) => (key === '$ref' && typeof v === 'string' ? [v] : refsIn(v)));
}

function resolves(doc: Json, ref: string): boolean {
  if (!ref.startsWith('#/')) return false;
  let node: unknown = doc;
  for (const part of ref.slice(2).split('/')) node = isObject(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return node !== undefined;
}
