import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyDemo } from './server.ts';
import { MONDAY, request } from '../testing/request.ts';

describe('legacy form login', () => {
  let legacy: Awaited<ReturnType<typeof startLegacyDemo>>;
  beforeAll(async () => {
    legacy = await startLegacyDemo({ now: () => MONDAY });
  });
  afterAll(() => legacy.close());

  const login = (form: string) => request(`${legacy.url}/login`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form,
  });

  it('serves an HTML sign-in form', async () => {
    const response = await request(`${legacy.url}/login`);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body.toString()).toContain('<form method="post" action="/login">');
  });

  it('redirects to /chart with two separate Set-Cookie headers', async () => {
    const response = await login('user=nurse.kestra&password=x');
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/chart');
    const setCookies = response.rawHeaders.filter((_, i) => i % 2 === 0 && response.rawHeaders[i]?.toLowerCase() === 'set-cookie');
    expect(setCookies).toHaveLength(2);
    expect(response.headers['set-cookie']?.[0]).toMatch(/^session=[0-9a-f]+; HttpOnly; Path=\/; SameSite=Lax$/);
    expect(response.headers['set-cookie']?.[1]).toMatch(/^prefs=[^;]+; Path=\/$/);
  });

  it('opens the chart with the session cookie and redirects to /login without it', async () => {
    const session = (await login('user=dr.corvin&password=y')).headers['set-cookie']?.[0]?.split(';')[0] ?? '';
    const chart = await request(`${legacy.url}/chart`, { headers: { cookie: `prefs=a; ${session}` } });
    expect(chart.status).toBe(200);
    expect(chart.body.toString()).toContain('Signed in as dr.corvin');
    const anonymous = await request(`${legacy.url}/chart`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toBe('/login');
  });

  it('shows the form again, without cookies, when the password is empty', async () => {
    const response = await login('user=someone&password=');
    expect(response.status).toBe(200);
    expect(response.headers['set-cookie']).toBeUndefined();
  });
});
