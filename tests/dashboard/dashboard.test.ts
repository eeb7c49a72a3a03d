// The dashboard in a real browser (Debian's Chromium driven by playwright-core): log in with a
// token, open a route, promote it to shadow with a reason, and see the audit entry. Saves
// screenshots to tests/artifacts/ for a human to look at.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFlag } from '../../src/decision/flag-shape.ts';
import { recordDifferences } from '../../src/store/differences.ts';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { REPO_ROOT } from '../support/repo-root.ts';
import { startEchoUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';

const ARTIFACTS = join(REPO_ROOT, 'tests/artifacts');
let h: TestFicus;
let legacy: TestUpstream;
let browser: Browser;

beforeAll(async () => {
  execFileSync('bash', [join(REPO_ROOT, 'scripts/setup-chromium.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  mkdirSync(ARTIFACTS, { recursive: true });
  legacy = await startEchoUpstream('legacy');
  h = await startTestFicus({ upstreams: { legacy: { url: legacy.url } } });
  for (let i = 0; i < 20; i++) await (await fetch(`${h.proxyUrl}/items/pat-${i}`)).arrayBuffer();
  await recordDifferences(h.ficus.store.db, [
    { record: { route: 'items', source: 'shadow', pointer: '/meta/lastUpdated', kind: 'changed', controlType: 'string', candidateType: 'string', controlHmac: 'a', candidateHmac: 'b', keyId: 'k' }, count: 12, seenAt: new Date() },
    { record: { route: 'items', source: 'shadow', pointer: '/name/*/<script>alert(1)</script>', kind: 'added', controlType: 'absent', candidateType: 'string', controlHmac: 'a', candidateHmac: 'b', keyId: 'k' }, count: 2, seenAt: new Date() },
  ]);
  await h.ficus.flush();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
  await legacy?.close();
});

describe('dashboard', () => {
  it('logs in, promotes a route to shadow with a reason and shows the audit entry, under a strict CSP', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => void d.dismiss().then(() => problems.push(`unexpected dialog: ${d.message()}`)));

    const first = await page.goto(h.adminUrl);
    expect(first?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.fill('input[name="token"]', 'wrong');
    await page.click('button[type="submit"]');
    await expect.poll(() => page.textContent('p.error')).toContain('not valid');
    await page.fill('input[name="token"]', 'test-token');
    await page.click('button[type="submit"]');
    await page.waitForSelector('table.grid');
    problems.length = 0; // the refused login above is a 401 by design
    const cookie = (await page.context().cookies()).find((c) => c.name === 'ficus_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookie?.value).not.toContain('test-token');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-routes.png'), fullPage: true });

    await page.click('a[href="/_ficus/routes/items"]');
    await page.waitForSelector('form.mode');
    expect(await page.textContent('table.diffs')).toContain('/name/*/<script>alert(1)</script>');
    await page.selectOption('form.mode select[name="mode"]', 'shadow');
    await page.fill('form.mode input[name="reason"]', 'start comparing items');
    await Promise.all([page.waitForEvent('load'), page.click('form.mode button[type="submit"]')]);
    await page.waitForSelector('table.audit');
    const audit = await page.textContent('table.audit');
    expect(audit).toContain('mode-change');
    expect(audit).toContain('legacy → shadow');
    expect(audit).toContain('start comparing items');
    expect(audit).toContain('dashboard');
    expect(await page.textContent('.head .badge')).toBe('shadow');
    expect(describeFlag(h.ficus.flags.definition('ficus.items')).mode).toBe('shadow');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-route.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows readiness as inconclusive without evidence, accepts a difference and revokes it, both audited', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(h.adminUrl);
    await page.fill('input[name="token"]', 'test-token');
    await page.click('button[type="submit"]');
    await page.waitForSelector('table.grid');
    expect(await page.textContent('a[href="/_ficus/routes/items"] >> xpath=ancestor::tr')).toContain('inconclusive');

    await page.goto(`${h.adminUrl}/_ficus/routes/items`);
    const row = 'tr:has(td.mono:text-is("/meta/lastUpdated"))';
    await page.fill(`${row} form[data-url$="/api/differences/accept"] input[name="reason"]`, 'legacy stamps its own clock');
    await Promise.all([page.waitForEvent('load'), page.click(`${row} form[data-url$="/api/differences/accept"] button`)]);
    expect(await page.textContent(row)).toContain('accepted');
    await page.fill(`${row} form[data-url$="/api/differences/revoke"] input[name="reason"]`, 'it hides a real change');
    await Promise.all([page.waitForEvent('load'), page.click(`${row} form[data-url$="/api/differences/revoke"] button`)]);
    expect(await page.textContent(row)).not.toContain('accepted');
    const audit = await page.textContent('table.audit');
    expect(audit).toContain('difference-accepted');
    expect(audit).toContain('changed /meta/lastUpdated (revoked)');
    await context.close();
  });

  it('refuses a write that carries the session cookie but no CSRF token', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(h.adminUrl);
    await page.fill('input[name="token"]', 'test-token');
    await page.click('button[type="submit"]');
    await page.waitForSelector('table.grid');
    const status = await page.evaluate(async () => (await fetch('/_ficus/api/kill-switch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ on: true, reason: 'csrf' }) })).status);
    expect(status).toBe(403);
    expect(h.ficus.flags.definition('ficus.kill-switch')?.enabled ?? false).toBe(false);
    await context.close();
  });

  it('never sends the admin session cookie to the proxy on the same host (cookies ignore ports)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(h.adminUrl);
    await page.fill('input[name="token"]', 'test-token');
    await page.click('button[type="submit"]');
    await page.waitForSelector('table.grid');
    // Same host (127.0.0.1), the proxy's port: a clinician's page served through Ficus.
    expect(new URL(h.proxyUrl).hostname).toBe(new URL(h.adminUrl).hostname);
    for (const path of ['/items/pat-1', '/', '/api/routes', '/logout']) {
      const seen = legacy.received.length;
      await page.goto(`${h.proxyUrl}${path}`);
      const cookies = legacy.received.slice(seen).flatMap((r) => r.rawHeaders.filter((_, i) => i % 2 === 1 && /^cookie$/i.test(r.rawHeaders[i - 1]!)));
      expect(legacy.received.length).toBeGreaterThan(seen);
      expect(cookies.join(';')).not.toContain('ficus_session');
    }
    // The browser does hold the session and sends it where it belongs.
    await page.goto(`${h.adminUrl}/_ficus/`);
    expect(await page.isVisible('table.grid')).toBe(true);
    await context.close();
  });
});
