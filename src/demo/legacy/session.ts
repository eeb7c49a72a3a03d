// The monolith's form login: a server-rendered page, a POST that sets two cookies at once (the
// session and a UI preference), and a chart page guarded by the session cookie. Proxies that fold
// multiple Set-Cookie headers into one break exactly this.
import type { Route, RouteContext } from '../shared/router.ts';
import { escapeHtml, redirect, sendHtml } from '../shared/respond.ts';
import { readForm } from '../shared/body.ts';
import { hashString } from '../shared/prng.ts';

export interface SessionDeps {
  readonly now: () => Date;
}

const LOGIN_PAGE = (message: string): string => `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><title>EHR Core - Sign in</title></head>
<body bgcolor="#e8eef4"><h2>EHR Core 7.4 &mdash; Clinical Workstation</h2>${message}
<form method="post" action="/login">
<table><tr><td>User</td><td><input name="user"></td></tr>
<tr><td>Password</td><td><input name="password" type="password"></td></tr></table>
<input type="submit" value="Sign in"></form></body></html>
`;

export function sessionRoutes({ now }: SessionDeps): Route[] {
  const users = new Map<string, string>();
  let issued = 0;
  const newSessionId = (user: string): string =>
    `${hashString(`${user}:${++issued}:${now().getTime()}`).toString(16).padStart(8, '0')}${issued.toString(16).padStart(8, '0')}`;
  return [
    { method: 'GET', path: /^\/login$/, handle: ({ res }) => sendHtml(res, 200, LOGIN_PAGE('')) },
    { method: 'POST', path: /^\/login$/, handle: (c) => answerLogin(c, users, newSessionId) },
    { method: 'GET', path: /^\/chart$/, handle: (c) => answerChart(c, users) },
  ];
}

async function answerLogin({ req, res }: RouteContext, users: Map<string, string>, newSessionId: (user: string) => string): Promise<void> {
  const form = await readForm(req);
  const user = form.get('user') ?? '';
  if (!user || !form.get('password')) {
    return sendHtml(res, 200, LOGIN_PAGE('<p><font color="red">User and password are required.</font></p>'));
  }
  const sessionId = newSessionId(user);
  users.set(sessionId, user);
  redirect(res, '/chart', {
    'set-cookie': [`session=${sessionId}; HttpOnly; Path=/; SameSite=Lax`, 'prefs=layout%3Dclassic%7Cfont%3Dsmall; Path=/'],
  });
}

function answerChart({ req, res }: RouteContext, users: Map<string, string>): void {
  const sessionId = cookieValue(req.headers.cookie, 'session');
  if (!sessionId) return redirect(res, '/login');
  // Sessions from another instance (or a restart) still open the chart: the old app only checks
  // that a session cookie is present and loads the user lazily.
  const user = users.get(sessionId) ?? 'clinician';
  sendHtml(res, 200, `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><title>EHR Core - Chart</title></head>
<body><h2>Ward 4B census</h2><p>Signed in as ${escapeHtml(user)}</p>
<ul><li><a href="/fhir/Patient/pat-0001">pat-0001</a></li><li><a href="/fhir/Patient/pat-0002">pat-0002</a></li></ul>
</body></html>
`);
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}
