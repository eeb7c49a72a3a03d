// The dashboard as a CTO reads it, in real Chromium at 1400 and 760 px: a route mid-rollout waiting
// for approval, a route that is not ready with reasons, and the migration map — on real traffic
// through a real Ficus. Screenshots go to tests/artifacts/ (gitignored) for a person to look at;
// the layout facts that make them readable are asserted here.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { REPO_ROOT } from '../support/repo-root.ts';
import { startUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';

const ARTIFACTS = join(REPO_ROOT, 'tests/artifacts');
const WIDTHS = [1400, 760] as const;

// items: a clean new service with a plan whose third step waits for a person.
// notes: a new service that adds a field to one answer in four: not ready, with reasons.
const ROUTES = `routes:
  - id: items
    description: Item lookups by patient
    match: { methods: [GET], path: /items/:id }
    new: next
    flag: ficus.items
    stickiness: { path: id }
    compare: { ignore: [/side] }
    readiness: { minComparisons: 5, maxMismatchRate: 0.2 }
    rollout:
      steps:
        - { shadow: true, bakeMinutes: 0, minComparisons: 5 }
        - { canary: 10, bakeMinutes: 0, minRequests: 1 }
        - { canary: 75, bakeMinutes: 0, minRequests: 1 }
  - id: notes
    description: Clinical notes by patient
    match: { methods: [GET], path: /notes/:id }
    new: next
    flag: ficus.notes
    stickiness: { path: id }
    compare: { ignore: [/side] }
`;

let h: TestFicus;
let next: TestUpstream;
let browser: Browser;
let tokensDir: string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers read field by field
type Json = Record<string, any>;

async function admin(method: string, path: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${h.adminUrl}${path}`, { method, headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return (await response.json()) as Json;
}

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function traffic(paths: readonly string[]): Promise<void> {
  for (const path of paths) await (await fetch(`${h.proxyUrl}${path}`)).text();
  await h.ficus.flush();
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
const rollout = async () => (await admin('GET', '/api/rollouts/items'))['rollout'] as { status: string; step: string } | null;

beforeAll(async () => {
  execFileSync('bash', [join(REPO_ROOT, 'scripts/setup-chromium.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  mkdirSync(ARTIFACTS, { recursive: true });
  tokensDir = mkdtempSync(join(tmpdir(), 'ficus-tokens-'));
  const tokensFile = join(tokensDir, 'tokens.yaml');
  writeFileSync(tokensFile, `- { name: Ada Chen, role: operator, sha256: ${createHash('sha256').update('ada-token').digest('hex')} }\n`);
  next = await startUpstream((req, res) => {
    req.resume();
    const extra = /\/notes\/\d*[048]$/.test(req.url ?? '') ? { revision: 2 } : {};
    const body = JSON.stringify({ side: 'new', method: req.method, url: req.url, ...extra });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  h = await startTestFicus({
    routes: ROUTES, upstreams: { next: { url: next.url } },
    flags: { 'ficus.items': { mode: 'legacy' }, 'ficus.notes': { mode: 'shadow' } },
    settings: { autopilotTickMs: 200, adminTokensFile: tokensFile },
  });
  // items walks its plan to the step that needs a person.
  await admin('POST', '/api/rollouts/items/start', { reason: 'move items to the new service' });
  // Traffic only once the flag the autopilot wrote is in force: earlier requests are not evidence.
  await eventually(async () => (await admin('GET', '/api/routes/items'))['mode'] === 'shadow' || undefined, 'items in shadow');
  await traffic(range(20).map((i) => `/items/${i}`));
  await eventually(async () => (await admin('GET', '/api/routes/items'))['mode'] === 'canary' || undefined, 'items on canary 10%');
  await traffic(range(60, 100).map((i) => `/items/${i}`));
  await eventually(async () => (await rollout())?.status === 'awaiting-approval' || undefined, 'approval wait');
  // notes: shadowed, one answer in four differs. Unmatched traffic for the map, PHI in its paths.
  await traffic(range(40).map((i) => `/notes/${i}`));
  await traffic(['/legacy/patients/Quigglesworth/chart', '/legacy/patients/MRN-CANARY-4411/chart', '/appointments/2026-11-30', '/appointments/2026-12-01', '/billing/claims']);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await next?.close();
  if (tokensDir) rmSync(tokensDir, { recursive: true, force: true });
});

async function logIn(width: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(h.adminUrl);
  await page.fill('input[name="token"]', 'ada-token');
  await page.click('button[type="submit"]');
  await page.waitForSelector('table.routes');
  return page;
}

/** Nothing wider than the viewport, and no table scrolling inside its card either. */
async function overflow(page: Page): Promise<string[]> {
  const boxes = await page.$$eval('html, .table-wrap', (els) => els.map((el) => ({ what: el.tagName === 'HTML' ? 'page' : el.querySelector('table')?.className, scroll: el.scrollWidth, client: el.clientWidth })));
  return boxes.filter((b) => b.scroll > b.client).map((b) => `${b.what}: ${b.scroll} > ${b.client}`);
}

/** The whole page, and what a person sees first without scrolling. */
async function shoot(page: Page, name: string, width: number): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}-${width}.png`), fullPage: true });
  await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}-${width}-top.png`) });
}

describe('dashboard layout at 1400 and 760 px', () => {
  for (const width of WIDTHS) {
    it(`routes page at ${width} px: the actor's name, a refresh mark, nothing overflows, headers on one line`, async () => {
      const page = await logIn(width);
      await shoot(page, 'routes', width);
      expect(await page.textContent('header.top .who')).toContain('Ada Chen');
      expect(await page.textContent('header.top')).not.toContain('operator · operator');
      expect(await page.textContent('header.top .updated')).toMatch(/^updated/);
      expect(await page.textContent('a[href="/_ficus/routes/items"] >> xpath=ancestor::tr')).toContain('rollout awaiting approval');
      expect(await overflow(page)).toEqual([]);
      const headerHeights = await page.$$eval('table.routes th', (ths) => ths.filter((th) => th.getClientRects().length > 0).map((th) => th.getBoundingClientRect().height));
      expect(Math.max(...headerHeights)).toBeLessThan(40);
      await page.close();
    });

    it(`a not-ready route at ${width} px says no, lists each reason once, and draws the threshold`, async () => {
      const page = await logIn(width);
      await page.goto(`${h.adminUrl}/_ficus/routes/notes`);
      await shoot(page, 'route-not-ready', width);
      expect(await page.textContent('.promote .verdict')).toContain('No');
      const reasons = await page.$$eval('.promote ul.reasons li', (lis) => lis.map((li) => li.textContent ?? ''));
      expect(reasons.length).toBeGreaterThan(0);
      const text = await page.innerText('body');
      for (const reason of reasons) expect(text.split(reason).length - 1).toBe(1);
      expect(await page.locator('svg line.threshold').count()).toBe(1);
      expect(await page.textContent('svg .threshold-label')).toContain('99.9%');
      // Every series drawn as a line, even one made of a single bucket.
      for (const d of await page.$$eval('svg path.line', (paths) => paths.map((p) => p.getAttribute('d') ?? ''))) if (d) expect(d).toContain('L');
      expect(await overflow(page)).toEqual([]);
      await page.close();
    });

    it(`a route awaiting approval at ${width} px shows its timeline, the gates with their numbers and an Approve button`, async () => {
      const page = await logIn(width);
      await page.goto(`${h.adminUrl}/_ficus/routes/items`);
      await shoot(page, 'route-rollout', width);
      expect(await page.textContent('.rollout .badge')).toBe('awaiting-approval');
      expect(await page.$$eval('ol.timeline .step .name', (names) => names.map((n) => n.textContent))).toEqual(['legacy', 'shadow', 'canary 10%', 'canary 75%']);
      expect(await page.textContent('ol.timeline .step.current .name')).toBe('canary 10%');
      expect(await page.textContent('ol.timeline .step.current .since')).toMatch(/^since \d\d:\d\d UTC$/);
      expect(await page.textContent('ol.timeline .step.waiting .note')).toBe('waiting for approval');
      expect(await page.isVisible('button.approve')).toBe(true);
      const gates = await page.textContent('table.gates');
      expect(gates).toContain('volume');
      expect(gates).toContain('≥ 1');
      expect(await overflow(page)).toEqual([]);
      await page.close();
    });

    it(`map page at ${width} px: shares by mode, top unmigrated endpoints with their suggested route, no PHI`, async () => {
      const page = await logIn(width);
      await page.click('nav.sections a[href="/_ficus/map"]');
      await page.waitForSelector('table.map');
      await page.click('table.map tr.yaml summary');
      await shoot(page, 'map', width);
      const text = await page.innerText('body');
      for (const canary of ['Quigglesworth', 'MRN-CANARY-4411', '2026-11-30']) expect(text).not.toContain(canary);
      expect(await page.locator('svg.share-bar rect').count()).toBeGreaterThan(1);
      expect(await page.textContent('table.map')).toContain('GET /*/patients/*/chart');
      expect(await page.isVisible('table.map tr.yaml pre')).toBe(true);
      expect(await page.textContent('table.map tr.yaml pre')).toContain('match: { methods: [GET]');
      expect(await page.textContent('table.map tr.yaml pre')).toContain('stickiness: { path: patientId }');
      expect(await page.textContent('nav.windows a[aria-current="page"]')).toBe('24h');
      expect(await overflow(page)).toEqual([]);
      await page.click('nav.windows a:text("1h")');
      await page.waitForSelector('nav.windows a[aria-current="page"]:text("1h")');
      expect(await page.textContent('table.map')).toContain('GET /*/patients/*/chart');
      expect(await overflow(page)).toEqual([]);
      const bogus = await page.goto(`${h.adminUrl}/_ficus/map?window=bogus`);
      expect(bogus?.status()).toBe(400);
      expect(await page.textContent('body')).toContain('window must be a whole number');
      await page.close();
    });
  }

  it('approves the waiting step from the route page, and the autopilot moves on', async () => {
    const page = await logIn(1400);
    await page.goto(`${h.adminUrl}/_ficus/routes/items`);
    await page.fill('.approval input[name="reason"]', 'gates reviewed on the dashboard');
    await Promise.all([page.waitForEvent('load'), page.click('button.approve')]);
    await eventually(async () => (await rollout())?.step === 'canary 75%' || undefined, 'canary 75% step');
    const audit = (await admin('GET', '/api/audit?route=items&limit=100'))['entries'] as { action: string; actor: string; reason: string }[];
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'rollout-approved', actor: 'Ada Chen', reason: 'gates reviewed on the dashboard' })]));
    await page.close();
  });
});
