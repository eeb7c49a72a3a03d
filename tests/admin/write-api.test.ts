// The control plane's write API against a real in-process Ficus: real admin socket, real flag
// files, real SQLite audit chain.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFlag } from '../../src/decision/flag-shape.ts';
import { listAudit } from '../../src/store/audit-log.ts';
import { listDifferences, recordDifferences } from '../../src/store/differences.ts';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';

const OPERATOR = 'test-token';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies asserted field by field
type Json = any;
let h: TestFicus;

beforeAll(async () => {
  h = await startTestFicus();
});
afterAll(() => h?.close());

const flagsFile = () => join(h.flagsDir, 'features.json');
const api = (path: string, init: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> } = {}) =>
  fetch(`${h.adminUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token === null ? {} : { authorization: `Bearer ${init.token ?? OPERATOR}` }),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
const setMode = (route: string, body: unknown, token?: string | null) => api(`/api/routes/${route}/mode`, { method: 'PUT', body, token, headers: { 'x-ficus-client': 'cli' } });
const auditEntries = async () => {
  await h.ficus.flush();
  return listAudit(h.ficus.store.db, { limit: 1000 });
};

describe('PUT /api/routes/:id/mode', () => {
  it('promotes a route to shadow, in force before the answer, audited once with actor, reason and source', async () => {
    const res = await setMode('items', { mode: 'shadow', reason: 'start comparing' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ route: 'items', changed: true, before: { mode: 'legacy', percent: 0 }, after: { mode: 'shadow', percent: 0 }, target: 'features.json' });
    expect(describeFlag(h.ficus.flags.definition('ficus.items')).mode).toBe('shadow');
    const file = JSON.parse(readFileSync(flagsFile(), 'utf8'));
    expect(file.version).toBe(2);
    expect(file.features.map((f: { name: string }) => f.name)).toEqual(['ficus.items', 'ficus.search', 'ficus.open']);
    expect(describeFlag(file.features[1]).mode).toBe('legacy');
    const entries = await auditEntries();
    expect(entries[0]).toMatchObject({ actor: 'operator', action: 'mode-change', route: 'items', reason: 'start comparing', source: 'cli', details: { before: { mode: 'legacy' }, after: { mode: 'shadow' } } });
    // Ficus's own write is not audited a second time as an observed flag change. The writer reloads
    // the flags before the API answers, so the change event has fired; flush waits for any append.
    await h.ficus.flush();
    expect((await auditEntries()).filter((e) => e.action === 'flag-change-observed')).toEqual([]);
  });

  it('records a canary percent change as percent-change and a mode change as mode-change', async () => {
    expect((await setMode('items', { mode: 'canary', percent: 10, reason: 'first patients' })).status).toBe(200);
    const raised = await setMode('items', { mode: 'canary', percent: 25, reason: 'looks fine' });
    expect(raised.status).toBe(200);
    const [latest, previous] = await auditEntries();
    expect(latest).toMatchObject({ action: 'percent-change', details: { before: { mode: 'canary', percent: 10 }, after: { mode: 'canary', percent: 25 } } });
    expect(previous).toMatchObject({ action: 'mode-change', details: { after: { mode: 'canary', percent: 10 } } });
    expect(describeFlag(h.ficus.flags.definition('ficus.items'))).toEqual({ mode: 'canary', percent: 25 });
  });

  it('refuses canary at 50% and new for a route that is not ready (409 with reasons), changing nothing', async () => {
    const bytes = readFileSync(flagsFile(), 'utf8');
    const before = (await auditEntries()).length;
    for (const body of [{ mode: 'canary', percent: 50, reason: 'go' }, { mode: 'new', reason: 'go' }]) {
      const res = await setMode('items', body);
      expect(res.status).toBe(409);
      const payload = (await res.json()) as Json;
      expect(payload.error).toBe('not_ready');
      expect(payload.reasons.length).toBeGreaterThan(0);
    }
    expect(readFileSync(flagsFile(), 'utf8')).toBe(bytes);
    expect((await auditEntries()).length).toBe(before);
  });

  it('promotes a route that is not ready when forced with a reason, and audits the override', async () => {
    const res = await setMode('search', { mode: 'new', reason: 'vendor deadline, signed off by CMO', force: true });
    expect(res.status).toBe(200);
    const [entry] = await auditEntries();
    expect(entry).toMatchObject({ action: 'mode-change', route: 'search', details: { forced: true, after: { mode: 'new', percent: 100 } } });
    expect((entry!.details as { readinessReasons: string[] }).readinessReasons.length).toBeGreaterThan(0);
  });

  it.each([
    ['an unknown route', 'nope', { mode: 'shadow', reason: 'x' }, 404],
    ['an unknown mode', 'open', { mode: 'blue', reason: 'x' }, 400],
    ['a missing reason', 'open', { mode: 'shadow' }, 400],
    ['a blank reason', 'open', { mode: 'shadow', reason: '   ' }, 400],
    ['percent above 100', 'open', { mode: 'canary', percent: 101, reason: 'x' }, 400],
    ['negative percent', 'open', { mode: 'canary', percent: -1, reason: 'x' }, 400],
    ['canary without percent', 'open', { mode: 'canary', reason: 'x' }, 400],
    ['percent for shadow', 'open', { mode: 'shadow', percent: 5, reason: 'x' }, 400],
    ['a non-boolean force', 'open', { mode: 'shadow', reason: 'x', force: 'yes' }, 400],
    ['a body that is not JSON', 'open', '{mode', 400],
  ])('refuses %s without changing anything', async (_name, route, body, status) => {
    const bytes = readFileSync(flagsFile(), 'utf8');
    const before = (await auditEntries()).length;
    const res = await setMode(route, body);
    expect(res.status).toBe(status);
    expect(((await res.json()) as Json).message).toEqual(expect.any(String));
    expect(readFileSync(flagsFile(), 'utf8')).toBe(bytes);
    expect((await auditEntries()).length).toBe(before);
  });

  it.each([
    ['no token', null, 401],
    ['a wrong token', 'not-a-token', 401],
  ])('answers %s with %i and changes nothing', async (_name, token, status) => {
    const bytes = readFileSync(flagsFile(), 'utf8');
    const before = (await auditEntries()).length;
    expect((await setMode('open', { mode: 'shadow', reason: 'x' }, token)).status).toBe(status);
    expect((await api('/api/kill-switch', { method: 'POST', body: { on: true, reason: 'x' }, token })).status).toBe(status);
    expect(readFileSync(flagsFile(), 'utf8')).toBe(bytes);
    expect((await auditEntries()).length).toBe(before);
  });

  it('still audits an edit made by hand to flags/ as an observed flag change', async () => {
    const file = JSON.parse(readFileSync(flagsFile(), 'utf8'));
    file.features[2].description = 'edited by hand';
    writeFileSync(flagsFile(), JSON.stringify(file, null, 2));
    await h.waitForLog((l) => l.event === 'flags-changed' && (l.flags as string[]).includes('ficus.open'));
    expect((await auditEntries()).find((e) => e.action === 'flag-change-observed')?.details).toMatchObject({ flags: ['ficus.open'] });
  });
});

describe('POST /api/differences/accept', () => {
  beforeAll(async () => {
    await recordDifferences(h.ficus.store.db, [{
      record: { route: 'items', source: 'shadow', pointer: '/meta/lastUpdated', kind: 'changed', controlType: 'string', candidateType: 'string', controlHmac: 'a', candidateHmac: 'b', keyId: 'k' },
      count: 3, seenAt: new Date(),
    }]);
  });

  it('marks the difference as accepted (shown, not hidden) and audits it', async () => {
    const res = await api('/api/differences/accept', { method: 'POST', body: { route: 'items', pointer: '/meta/lastUpdated', kind: 'changed', reason: 'timestamps differ by design' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: true, rows: 1 });
    const [row] = await listDifferences(h.ficus.store.db, { route: 'items' });
    expect(row).toMatchObject({ accepted: true, acceptedBy: 'operator', acceptedReason: 'timestamps differ by design' });
    const listed = (await (await api('/api/differences?route=items')).json()) as Json;
    expect(listed.differences).toHaveLength(1);
    const [entry] = await auditEntries();
    expect(entry).toMatchObject({ action: 'difference-accepted', route: 'items', source: 'admin-api', details: { pointer: '/meta/lastUpdated', kind: 'changed', before: { accepted: false }, after: { accepted: true } } });
  });

  it.each([
    ['an unknown route', { route: 'nope', pointer: '/a', kind: 'changed', reason: 'x' }, 404],
    ['an unrecorded difference', { route: 'items', pointer: '/other', kind: 'changed', reason: 'x' }, 404],
    ['an unknown kind', { route: 'items', pointer: '/meta/lastUpdated', kind: 'weird', reason: 'x' }, 400],
    ['a pointer without a slash', { route: 'items', pointer: 'meta', kind: 'changed', reason: 'x' }, 400],
    ['a missing reason', { route: 'items', pointer: '/meta/lastUpdated', kind: 'changed' }, 400],
  ])('refuses %s', async (_name, body, status) => {
    const before = (await auditEntries()).length;
    expect((await api('/api/differences/accept', { method: 'POST', body })).status).toBe(status);
    expect((await auditEntries()).length).toBe(before);
  });
});

describe('POST /api/kill-switch', () => {
  it('turns the kill switch on and off through the flag file, audited with before and after', async () => {
    const on = await api('/api/kill-switch', { method: 'POST', body: { on: true, reason: 'new service paging' } });
    expect(on.status).toBe(200);
    expect(await on.json()).toMatchObject({ killSwitch: { before: false, after: true }, effective: true });
    expect(((await (await api('/api/routes')).json()) as Json).killSwitch).toBe(true);
    const proxied = await fetch(`${h.proxyUrl}/search?patient=p1`);
    expect(((await proxied.json()) as Json).side).toBe('legacy');
    const off = await api('/api/kill-switch', { method: 'POST', body: { on: false, reason: 'fixed' } });
    expect(await off.json()).toMatchObject({ killSwitch: { before: true, after: false }, effective: false });
    const [last, first] = await auditEntries();
    expect(first).toMatchObject({ action: 'kill-switch', reason: 'new service paging', details: { before: { on: false }, after: { on: true } } });
    expect(last).toMatchObject({ action: 'kill-switch', details: { after: { on: false } } });
  });

  it.each([
    ['a missing on', { reason: 'x' }],
    ['on as a string', { on: 'true', reason: 'x' }],
    ['a missing reason', { on: true }],
  ])('refuses %s with 400', async (_name, body) => {
    expect((await api('/api/kill-switch', { method: 'POST', body })).status).toBe(400);
  });
});

describe('audit API', () => {
  it('lists entries newest first, filtered by route and limited', async () => {
    const res = await api('/api/audit?route=items&limit=2');
    const { entries } = (await res.json()) as Json;
    expect(entries).toHaveLength(2);
    expect(entries.every((e: { route: string }) => e.route === 'items')).toBe(true);
    expect(entries[0].seq).toBeGreaterThan(entries[1].seq);
    expect((await api('/api/audit?limit=0')).status).toBe(400);
  });

  it('detects an audit row edited behind Ficus\'s back', async () => {
    expect((await (await api('/api/audit/verify')).json()) as Json).toMatchObject({ ok: true });
    await sql`UPDATE ficus_audit_log SET reason = 'nothing to see' WHERE action = 'kill-switch'`.execute(h.ficus.store.db);
    const verdict = (await (await api('/api/audit/verify')).json()) as Json;
    expect(verdict).toMatchObject({ ok: false });
    expect(verdict.reason).toMatch(/altered/);
  });
});
