// Issue 14 item 3: the admin API has a contract. /api/openapi.json is generated from the zod
// schemas that validate requests; this walks the routes the real admin app registered against it,
// checks its structure, and sends invalid requests to a real Ficus to see the documented 400.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/admin/auth.ts';
import { checkOpenApi } from '../support/admin/check-openapi.ts';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';

const OPERATOR = 'test-token';
const VIEWER = 'viewer-secret';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document and bodies are asserted field by field
type Json = any;
let h: TestFicus;
let doc: Json;

beforeAll(async () => {
  const tokensFile = join(mkdtempSync(join(tmpdir(), 'ficus-contract-')), 'tokens.yaml');
  writeFileSync(tokensFile, `- name: victor\n  role: viewer\n  sha256: ${hashToken(VIEWER)}\n`);
  h = await startTestFicus({ settings: { adminTokensFile: tokensFile } });
  const res = await fetch(`${h.adminUrl}/api/openapi.json`);
  expect(res.status).toBe(200);
  doc = await res.json();
});
afterAll(() => h?.close());

const api = (path: string, init: { method?: string; body?: string; token?: string | null } = {}) =>
  fetch(`${h.adminUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(init.token === null ? {} : { authorization: `Bearer ${init.token ?? OPERATOR}` }), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: init.body,
  });

/** The admin app's own table of routes: what a client can actually call. */
const registered = () => {
  const documentedPrefixes = ['/api/', '/healthz', '/readyz', '/metrics'];
  const seen = new Set<string>();
  for (const r of h.ficus.adminApp.routes) {
    if (r.method === 'ALL' || !documentedPrefixes.some((p) => r.path.startsWith(p))) continue;
    seen.add(`${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
  }
  return seen;
};
const documented = () => new Set(Object.entries(doc.paths as Record<string, object>).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`)));

describe('GET /api/openapi.json', () => {
  it('is served without a token: it describes shapes, never data', async () => {
    const res = await api('/api/openapi.json', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('ignores a wrong token rather than refusing it: the contract is the same for everyone', async () => {
    expect((await api('/api/openapi.json', { token: 'wrong' })).status).toBe(200);
  });

  it('is structurally valid OpenAPI 3.1', () => {
    expect(checkOpenApi(doc)).toEqual([]);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('documents every route the admin app registers under /api and the probes, and nothing it does not', () => {
    const routes = registered();
    expect(routes.size).toBeGreaterThan(15);
    expect([...routes].filter((r) => !documented().has(r))).toEqual([]);
    expect([...documented()].filter((r) => !routes.has(r))).toEqual([]);
  });

  it('documents the window, limit and body rules the API enforces', () => {
    const window = doc.paths['/api/routes'].get.parameters.find((p: Json) => p.name === 'window');
    expect(window).toMatchObject({ in: 'query', required: false, schema: { type: 'string', pattern: expect.any(String) } });
    expect(doc.paths['/api/audit'].get.parameters.find((p: Json) => p.name === 'limit').schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000 });
    const modeBody = doc.paths['/api/routes/{id}/mode'].put.requestBody.content['application/json'].schema;
    expect(modeBody).toMatchObject({ required: ['mode', 'reason'], properties: { mode: { enum: ['legacy', 'shadow', 'canary', 'new'] }, percent: { type: 'integer', minimum: 0, maximum: 100 } } });
    expect(doc.paths['/api/kill-switch'].post.security).toBeUndefined();
    expect(doc.paths['/healthz'].get.security).toEqual([]);
  });
});

describe('invalid requests get the documented 400', () => {
  const errorSchema = () => doc.components.schemas.Error;
  /** The body against the document's Error schema: required fields, known fields, their types. */
  const expectErrorBody = (body: Json) => {
    for (const field of errorSchema().required) expect(typeof body[field]).toBe('string');
    expect(Object.keys(body).filter((k) => !(k in errorSchema().properties))).toEqual([]);
  };

  it.each([
    ['an unknown window on the routes list', 'GET', '/api/routes?window=bogus', undefined, 'query', 'window'],
    ['a zero window on one route', 'GET', '/api/routes/items?window=0h', undefined, 'query', 'window'],
    ['a limit that is not a number', 'GET', '/api/audit?limit=abc', undefined, 'query', 'limit'],
    ['a map limit above 500', 'GET', '/api/map?limit=501', undefined, 'query', 'limit'],
    ['a differences limit of 0', 'GET', '/api/differences?limit=0', undefined, 'query', 'limit'],
    ['an audit head that is not SEQ:HASH', 'GET', '/api/audit/verify?expectHead=nope', undefined, 'query', 'expectHead'],
    ['an unknown mode', 'PUT', '/api/routes/items/mode', '{"mode":"blue","reason":"x"}', 'body', 'mode'],
    ['percent outside canary', 'PUT', '/api/routes/items/mode', '{"mode":"shadow","percent":5,"reason":"x"}', 'body', 'percent'],
    ['a kill switch body that is not JSON', 'POST', '/api/kill-switch', '{on', 'body', ''],
    ['a rollout start without a reason', 'POST', '/api/rollouts/items/start', '{}', 'body', 'reason'],
    ['an acceptance with a pointer that is not a JSON Pointer', 'POST', '/api/differences/accept', '{"route":"items","pointer":"meta","kind":"changed","reason":"x"}', 'body', 'pointer'],
  ])('refuses %s', async (_name, method, path, body, where, field) => {
    const res = await api(path, { method, body });
    expect(res.status).toBe(400);
    const answer = await res.json();
    expect(answer).toMatchObject({ error: 'bad_request', message: expect.any(String), issues: expect.arrayContaining([expect.objectContaining({ in: where, path: field })]) });
    expectErrorBody(answer);
    const documentedPath = path.split('?')[0]!.replace('/items/', '/{id}/').replace(/\/items$/, '/{id}').replace('/rollouts/{id}/', '/rollouts/{route}/');
    expect(doc.paths[documentedPath][method.toLowerCase()].responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
  });

  it('answers a valid window as before', async () => {
    const res = await api('/api/routes?window=30m');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ window: '30m' });
  });

  it('answers 401 before validating, so a caller without a token learns nothing of the rules', async () => {
    const res = await api('/api/routes?window=bogus', { token: null });
    expect(res.status).toBe(401);
    expectErrorBody(await res.json());
  });

  it('answers a viewer\'s invalid write 403, not 400: the role is checked first', async () => {
    const res = await api('/api/kill-switch', { method: 'POST', body: '{"on":"yes"}', token: VIEWER });
    expect(res.status).toBe(403);
    expectErrorBody(await res.json());
  });

  it('gives refusals other than 400 the same body (a 404 and a 401)', async () => {
    expectErrorBody(await (await api('/api/routes/nope')).json());
    const wrongToken = await api('/api/kill-switch', { method: 'POST', body: '{"on":true,"reason":"x"}', token: 'wrong' });
    expect(wrongToken.status).toBe(401);
    expectErrorBody(await wrongToken.json());
  });
});
