import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from './router.ts';
import { listen, type DemoServerHandle } from './listen.ts';
import { readBody } from './body.ts';
import { sendJson } from './respond.ts';
import { request } from '../testing/request.ts';

describe('demo router', () => {
  let handle: DemoServerHandle;
  beforeAll(async () => {
    const router = createRouter([
      { method: 'GET', path: /^\/items\/(?<id>[^/]+)$/, handle: ({ res, params }) => sendJson(res, 200, params) },
      { method: 'POST', path: /^\/small$/, handle: async ({ req, res }) => sendJson(res, 200, { bytes: (await readBody(req, 4)).length }) },
      { method: 'GET', path: /^\/broken$/, handle: () => Promise.reject(new Error('bug')) },
    ], (_req, res) => sendJson(res, 404, { fallback: true }));
    handle = await listen(http.createServer(router), {});
  });
  afterAll(() => handle.close());

  it('passes decoded path parameters to the matching route', async () => {
    expect(JSON.parse((await request(`${handle.url}/items/a%20b`)).body.toString())).toEqual({ id: 'a b' });
  });

  it('falls back for unknown paths, other methods and malformed percent-encoding', async () => {
    for (const [method, path] of [['GET', '/nowhere'], ['DELETE', '/items/1'], ['GET', '/items/%E0%A4%A']]) {
      expect((await request(`${handle.url}${path}`, { method })).status).toBe(404);
    }
  });

  it('answers 413 for an oversized small body and 500 for a failing handler, never hanging', async () => {
    expect((await request(`${handle.url}/small`, { method: 'POST', body: 'too long' })).status).toBe(413);
    expect((await request(`${handle.url}/broken`)).status).toBe(500);
  });
});
