// Issue 13 item 9: no limit on wrong logins (2,194/s) or wrong bearer tokens; logout without the
// CSRF field left the session valid for 8 h; no login CSRF; /api JSON without no-store/nosniff; a
// session cookie on Path=/ that the browser also sends to the proxy on the same host.
import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';

let h: TestFicus;
beforeEach(async () => {
  h = await startTestFicus();
});
afterEach(async () => {
  await h?.close();
});

interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** One admin request from a chosen loopback source address (127.0.0.x), cookies and form as given. */
function request(path: string, options: { method?: string; headers?: Record<string, string>; form?: Record<string, string>; from?: string } = {}): Promise<Reply> {
  const url = new URL(h.adminUrl);
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, path, method: options.method ?? (body === undefined ? 'GET' : 'POST'), localAddress: options.from ?? '127.0.0.1', agent: false,
      headers: { ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {}), ...options.headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const cookieOf = (reply: Reply, name: string) => reply.headers['set-cookie']?.find((c) => c.startsWith(`${name}=`));
const valueOf = (setCookie: string | undefined) => setCookie?.split(';')[0]!.split('=')[1] ?? '';

/** The login page's nonce: its cookie and its hidden field. */
async function loginForm(from?: string): Promise<{ cookie: string; csrf: string }> {
  const page = await request('/_ficus/', { from });
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  return { cookie: `ficus_login=${valueOf(cookieOf(page, 'ficus_login'))}`, csrf };
}

async function login(token: string, from?: string): Promise<Reply> {
  const { cookie, csrf } = await loginForm(from);
  return request('/_ficus/login', { form: { token, csrf }, headers: { cookie }, from });
}

async function metric(name: string, label: string): Promise<number> {
  const text = await (await fetch(`${h.adminUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${label}} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** A logged-in session: its cookie header and the CSRF token the page carries. */
async function session(): Promise<{ cookie: string; csrf: string }> {
  const reply = await login('test-token');
  expect(reply.status).toBe(303);
  const cookie = `ficus_session=${valueOf(cookieOf(reply, 'ficus_session'))}`;
  const page = await request('/_ficus/', { headers: { cookie } });
  return { cookie, csrf: /name="csrf-token" content="([^"]+)"/.exec(page.body)?.[1] ?? '' };
}

describe('login lockout', () => {
  it('locks an address out after 10 wrong logins: the right token is refused with 429 too, counted', async () => {
    for (let i = 0; i < 10; i++) expect((await login(`guess-${i}`)).status).toBe(401);
    const locked = await login('test-token');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
    expect(cookieOf(locked, 'ficus_session')).toBeUndefined();
    expect(await metric('ficus_admin_refused_total', 'reason="login-failed"')).toBe(10);
    expect(await metric('ficus_admin_refused_total', 'reason="login-locked"')).toBe(1);
    expect(await metric('ficus_admin_lockouts_total', 'kind="login"')).toBe(1);
  });

  it('holds the locked address only: another address still logs in', async () => {
    for (let i = 0; i < 10; i++) await login(`guess-${i}`, '127.0.0.2');
    expect((await login('test-token', '127.0.0.2')).status).toBe(429);
    expect((await login('test-token', '127.0.0.3')).status).toBe(303);
  });
});

describe('bearer token lockout', () => {
  const api = (token: string, from?: string) => request('/api/routes', { headers: { authorization: `Bearer ${token}` }, from });

  it('locks an address out after 10 wrong bearer tokens, right token included, with Retry-After, counted', async () => {
    for (let i = 0; i < 10; i++) expect((await api(`guess-${i}`)).status).toBe(401);
    const locked = await api('test-token');
    expect(locked.status).toBe(429);
    expect(JSON.parse(locked.body)).toMatchObject({ error: 'locked_out' });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
    expect(await metric('ficus_admin_lockouts_total', 'kind="token"')).toBe(1);
    expect(await metric('ficus_admin_refused_total', 'reason="token-locked"')).toBe(1);
    expect((await api('test-token', '127.0.0.2')).status).toBe(200);
    // Open endpoints stay open for scrapers and load balancers on the locked address.
    expect((await request('/healthz')).status).toBe(200);
  });
});

describe('logout', () => {
  it('refuses a logout without the CSRF token (403) and the session stays valid', async () => {
    const { cookie } = await session();
    const forged = await request('/_ficus/logout', { form: {}, headers: { cookie } });
    expect(forged.status).toBe(403);
    expect(await metric('ficus_admin_refused_total', 'reason="csrf"')).toBe(1);
    expect((await request('/_ficus/api/routes', { headers: { cookie } })).status).toBe(200);
  });

  it('ends the session server-side: the old cookie replayed afterwards is worth nothing', async () => {
    const { cookie, csrf } = await session();
    const out = await request('/_ficus/logout', { form: { csrf }, headers: { cookie } });
    expect(out.status).toBe(303);
    expect(cookieOf(out, 'ficus_session')).toMatch(/Max-Age=0/);
    expect((await request('/_ficus/api/routes', { headers: { cookie } })).status).toBe(401);
    expect((await request('/_ficus/', { headers: { cookie } })).body).toContain('name="token"');
  });
});

describe('login CSRF', () => {
  it('refuses a login whose form carries no nonce cookie, even with the right token', async () => {
    const { csrf } = await loginForm();
    const reply = await request('/_ficus/login', { form: { token: 'test-token', csrf } });
    expect(reply.status).toBe(403);
    expect(cookieOf(reply, 'ficus_session')).toBeUndefined();
  });

  it('refuses a login whose nonce field does not match its cookie', async () => {
    const { cookie } = await loginForm();
    const reply = await request('/_ficus/login', { form: { token: 'test-token', csrf: 'attacker-chosen' }, headers: { cookie } });
    expect(reply.status).toBe(403);
    expect(cookieOf(reply, 'ficus_session')).toBeUndefined();
  });

  it.each([['origin', 'https://evil.example'], ['origin', 'http://127.0.0.1:1'], ['sec-fetch-site', 'cross-site'], ['sec-fetch-site', 'same-site']])('refuses a login form posted with %s: %s', async (name, value) => {
    const { cookie, csrf } = await loginForm();
    const reply = await request('/_ficus/login', { form: { token: 'test-token', csrf }, headers: { cookie, [name]: value } });
    expect(reply.status).toBe(403);
    expect(cookieOf(reply, 'ficus_session')).toBeUndefined();
  });

  it('accepts the same-origin login a browser sends', async () => {
    const { cookie, csrf } = await loginForm();
    const origin = h.adminUrl;
    const reply = await request('/_ficus/login', { form: { token: 'test-token', csrf }, headers: { cookie, origin, 'sec-fetch-site': 'same-origin' } });
    expect(reply.status).toBe(303);
  });
});

describe('session cookie and API headers', () => {
  it('scopes the session cookie to /_ficus: HttpOnly, SameSite=Strict, no Domain (so never sent to the proxy\'s paths)', async () => {
    const setCookie = cookieOf(await login('test-token'), 'ficus_session')!;
    const attributes = setCookie.split(';').slice(1).map((a) => a.trim());
    expect(attributes).toEqual(expect.arrayContaining(['Path=/_ficus', 'HttpOnly', 'SameSite=Strict']));
    expect(attributes.some((a) => /^domain=/i.test(a))).toBe(false);
    expect(attributes).not.toContain('Secure'); // plain http here; Secure over https
  });

  // Behind a TLS-terminating load balancer the admin port sees plain http: without Secure, the
  // browser would also send the session over any plain-http request to the same host.
  it('marks the session cookie Secure when a trusted proxy says the browser is on https, and only then', async () => {
    await h.close();
    h = await startTestFicus({ settings: { trustedProxies: ['127.0.0.2'] } });
    const loginVia = async (from: string) => {
      const { cookie, csrf } = await loginForm(from);
      const reply = await request('/_ficus/login', { form: { token: 'test-token', csrf }, headers: { cookie, 'x-forwarded-proto': 'https' }, from });
      expect(reply.status).toBe(303);
      return cookieOf(reply, 'ficus_session')!.split(';').map((a) => a.trim());
    };
    expect(await loginVia('127.0.0.2')).toContain('Secure');
    expect(await loginVia('127.0.0.1')).not.toContain('Secure'); // anyone else could write the header
  });

  it.each([['/api/routes', 'Bearer test-token', 200], ['/api/routes', undefined, 401], ['/_ficus/api/audit', 'Bearer test-token', 200], ['/api/differences?route=nope', 'Bearer test-token', 404]] as const)('answers %s (auth %s) with no-store and nosniff', async (path, authorization, status) => {
    const reply = await request(path, { headers: authorization ? { authorization } : {} });
    expect(reply.status).toBe(status);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
  });
});
