// The lockout's arithmetic with an injected clock (the HTTP behaviour is in
// admin-login-and-lockout.test.ts): window, lockout end, address keys, bounded memory.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientKey, createAttemptLimiter } from './attempt-limiter.ts';
import { dashboardCookie } from './sessions.ts';

const limits = { maxFailures: 3, windowMs: 60_000, lockoutMs: 300_000, maxClients: 2 };

describe('createAttemptLimiter', () => {
  it('locks a client on its 3rd failure within the window, and lets it try again when the lockout ends', () => {
    let now = 0;
    const limiter = createAttemptLimiter({ now: () => now, limits });
    expect([limiter.fail('10.0.0.1'), limiter.fail('10.0.0.1')]).toEqual([false, false]);
    expect(limiter.lockedFor('10.0.0.1')).toBe(0);
    expect(limiter.fail('10.0.0.1')).toBe(true);
    now += 299_000;
    expect(limiter.lockedFor('10.0.0.1')).toBe(1_000);
    now += 1_000;
    expect(limiter.lockedFor('10.0.0.1')).toBe(0);
  });

  it('forgets failures older than the window', () => {
    let now = 0;
    const limiter = createAttemptLimiter({ now: () => now, limits });
    limiter.fail('10.0.0.1');
    limiter.fail('10.0.0.1');
    now += 60_001;
    expect(limiter.fail('10.0.0.1')).toBe(false);
    expect(limiter.lockedFor('10.0.0.1')).toBe(0);
  });

  it('keys IPv6 clients by their /64 and IPv4-mapped addresses as IPv4', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('::ffff:127.0.0.1')).toBe('127.0.0.1');
    const limiter = createAttemptLimiter({ now: () => 0, limits });
    for (let i = 0; i < 3; i++) limiter.fail(`2001:db8:1:2::${i + 1}`);
    expect(limiter.lockedFor('2001:db8:1:2:ffff::9')).toBeGreaterThan(0);
  });

  it('keeps at most maxClients entries', () => {
    const limiter = createAttemptLimiter({ now: () => 0, limits });
    for (let i = 0; i < 3; i++) limiter.fail('10.0.0.1');
    limiter.fail('10.0.0.2');
    limiter.fail('10.0.0.3');
    expect(limiter.lockedFor('10.0.0.1')).toBe(0); // the oldest entry made room
  });
});

describe('dashboardCookie', () => {
  it('is Secure when the admin app is reached over https, and scoped to /_ficus', async () => {
    const app = new Hono();
    app.get('/', (c) => c.json(dashboardCookie(c, { maxAgeSeconds: 60 })));
    expect(await (await app.request('https://admin.example/')).json()).toMatchObject({ secure: true, path: '/_ficus', httpOnly: true, sameSite: 'Strict' });
    expect(await (await app.request('http://127.0.0.1/')).json()).toMatchObject({ secure: false });
  });
});
