// Dashboard login and logout (mounted under DASHBOARD_PATH).
// Login: a cross-origin form post is refused (Origin / Sec-Fetch-Site), the form must return the
// nonce the login page set in a SameSite=Strict cookie (login CSRF: a forged form cannot log a
// clinician's browser into an attacker's session), and wrong tokens count towards a lockout per
// client address. Logout: needs the session's CSRF token, so a forged post cannot end a session,
// and a valid one destroys the session server-side — not just the browser's cookie.
import { randomBytes } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AttemptLimiter } from '../attempt-limiter.ts';
import { clientAddress, type Authenticator } from '../auth.ts';
import { DASHBOARD_PATH, SESSION_COOKIE, dashboardCookie, sameSecret, type SessionStore, type SessionVariables } from '../sessions.ts';
import { loginPage } from './pages.ts';

export interface LoginDeps {
  readonly auth: Authenticator;
  readonly sessions: SessionStore;
  readonly limiter: AttemptLimiter;
  onLockout(): void;
  readonly randomId?: () => string;
  /** Peers whose X-Forwarded-Proto is believed (TLS terminated in front of the admin port). */
  readonly isTrustedProxy?: (address: string) => boolean;
}

const LOGIN_COOKIE = 'ficus_login';
const LOGIN_PATH = `${DASHBOARD_PATH}/login`;
const LOGIN_NONCE_SECONDS = 3600;

type Ctx = Context<{ Variables: SessionVariables }>;

/** The login page with a fresh login nonce (cookie + hidden field). */
export function renderLogin(c: Ctx, deps: LoginDeps, error?: string, status: 200 | 401 | 403 | 429 = 200) {
  const nonce = (deps.randomId ?? randomNonce)();
  setCookie(c, LOGIN_COOKIE, nonce, dashboardCookie(c, { maxAgeSeconds: LOGIN_NONCE_SECONDS, path: LOGIN_PATH, isTrustedProxy: deps.isTrustedProxy }));
  return c.html(loginPage(error, nonce), status);
}

export function mountLogin(app: Hono<{ Variables: SessionVariables }>, deps: LoginDeps): void {
  app.get('/login', (c) => c.redirect(`${DASHBOARD_PATH}/`, 303));

  app.post('/login', async (c) => {
    if (crossOrigin(c)) {
      c.set('refusal', 'cross-origin');
      return renderLogin(c, deps, 'Log in from the dashboard page itself.', 403);
    }
    const client = clientAddress(c);
    const lockedMs = deps.limiter.lockedFor(client);
    if (lockedMs > 0) {
      c.set('refusal', 'login-locked');
      c.header('Retry-After', String(Math.ceil(lockedMs / 1000)));
      return renderLogin(c, deps, `Too many failed logins from your address. Try again in ${Math.ceil(lockedMs / 60_000)} min.`, 429);
    }
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const nonce = getCookie(c, LOGIN_COOKIE);
    if (!nonce || !sameSecret(form.csrf, nonce)) {
      c.set('refusal', 'csrf');
      return renderLogin(c, deps, 'The login form expired; please try again.', 403);
    }
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    const principal = deps.auth.authenticate(token || undefined);
    if (!principal) {
      if (deps.limiter.fail(client)) deps.onLockout();
      c.set('refusal', 'login-failed');
      return renderLogin(c, deps, 'That token is not valid.', 401);
    }
    deps.sessions.destroy(getCookie(c, SESSION_COOKIE));
    const session = deps.sessions.create(principal);
    setCookie(c, SESSION_COOKIE, session.id, dashboardCookie(c, { maxAgeSeconds: Math.floor(deps.sessions.ttlMs / 1000), isTrustedProxy: deps.isTrustedProxy }));
    deleteCookie(c, LOGIN_COOKIE, { path: LOGIN_PATH });
    return c.redirect(`${DASHBOARD_PATH}/`, 303);
  });

  app.post('/logout', async (c) => {
    const session = deps.sessions.get(getCookie(c, SESSION_COOKIE));
    if (session) {
      const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      if (!sameSecret(form.csrf ?? c.req.header('x-csrf-token'), session.csrf)) {
        c.set('refusal', 'csrf');
        return c.text('Missing or wrong CSRF token: you are still logged in. Reload the page and log out again.', 403);
      }
      deps.sessions.destroy(session.id);
    }
    deleteCookie(c, SESSION_COOKIE, { path: DASHBOARD_PATH });
    return c.redirect(`${DASHBOARD_PATH}/`, 303);
  });
}

/**
 * A browser's cross-origin (or cross-site) form post: Sec-Fetch-Site says so, or Origin names
 * another host. `Origin: null` proves nothing either way — browsers send it for our own form under
 * `Referrer-Policy: no-referrer` — so the login nonce decides then.
 */
function crossOrigin(c: Ctx): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = c.req.header('origin');
  if (origin === undefined || origin === 'null') return false;
  // Host only: behind a TLS-terminating proxy the browser's origin is https while this app sees http.
  try {
    return new URL(origin).host !== new URL(c.req.url).host;
  } catch {
    return true;
  }
}

function randomNonce(): string {
  return randomBytes(24).toString('base64url');
}
