// Server mode against a real Unleash (unleash-server 8, child process, fresh PostgreSQL database):
// flags pushed and pulled, a route flipped through Ficus's admin API showing up in Unleash's event
// log and moving traffic, Unleash going away, and a restart where the backup beats a stale flags/.
// The cases run in order and share one Unleash: starting it (migrations) is most of the runtime.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlagsCommand } from '../../src/cli/flags-command.ts';
import { startLegacyDemo } from '../../src/demo/legacy/server.ts';
import { startNewServiceDemo } from '../../src/demo/new-service/server.ts';
import { KILL_SWITCH_FLAG } from '../../src/decision/flag-shape.ts';
import { BACKUP_FILE } from '../../src/decision/unleash-server-source.ts';
import { createUnleashFlagWriter } from '../../src/decision/unleash-flag-writer.ts';
import { listAudit } from '../../src/store/audit-log.ts';
import { createTestFicus } from '../support/ficus/test-ficus.ts';
import { waitFor } from '../support/wait-for.ts';
import { startUnleashServer, type UnleashServer } from '../support/unleash/unleash-server.ts';

const PG_URL = process.env.FICUS_TEST_PG_URL;
if (!PG_URL) console.warn('tests/unleash: SKIPPED — FICUS_TEST_PG_URL is not set (PostgreSQL could not be started), so no Unleash server can run');

const PATIENT = '/fhir/Patient/pat-0001';

describe.skipIf(!PG_URL)('Unleash server mode', () => {
  let unleash: UnleashServer;
  let legacy: Awaited<ReturnType<typeof startLegacyDemo>>;
  let next: Awaited<ReturnType<typeof startNewServiceDemo>>;
  // The repository's routes/ and flags/, pushed to Unleash by the first case before Ficus starts.
  let t: Awaited<ReturnType<typeof createTestFicus>>;
  let clock = new Date('2026-11-23T08:00:00Z');
  const get = async (path: string) => {
    const res = await fetch(`${t.proxyUrl}${path}`, { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    return { status: res.status, timing: res.headers.get('server-timing') ?? '' };
  };
  const patientReadEvents = async () => {
    const res = await fetch(`${unleash.url}/api/admin/events`, { headers: { authorization: unleash.adminToken } });
    return ((await res.json()) as { events: { id: number; type: string; featureName?: string }[] }).events.filter((e) => e.featureName === 'ficus.patient-read');
  };
  const userRequestsToNew = () => next.received().filter((r) => r.url === PATIENT && !r.headers['ficus-shadow']).length;

  beforeAll(async () => {
    [unleash, legacy, next] = await Promise.all([startUnleashServer(PG_URL!), startLegacyDemo({ port: 0 }), startNewServiceDemo({ port: 0 })]);
    t = await createTestFicus({
      config: 'repo',
      settings: {
        upstreamUrls: { legacy: legacy.url, 'ehr-next': next.url },
        unleash: { url: unleash.apiUrl, apiToken: unleash.clientToken, adminToken: unleash.adminToken },
      },
      now: () => clock,
      unleashRefreshIntervalMs: 200,
    });
  }, 90_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all([unleash?.close(), legacy?.close(), next?.close()]);
  });

  it('ficus flags push then pull round-trips flags/ through Unleash', async () => {
    const out: string[] = [];
    const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => out.push(t) } };
    const env = { UNLEASH_URL: unleash.apiUrl, UNLEASH_ADMIN_TOKEN: unleash.personalAccessToken };
    expect(await runFlagsCommand(['push', '--flags', t.flagsDir], env, io), out.join('')).toBe(0);

    const pulled = join(t.root, 'pulled');
    expect(await runFlagsCommand(['pull', '--flags', pulled], env, io), out.join('')).toBe(0);
    const original = JSON.parse(readFileSync(join(t.flagsDir, 'features.json'), 'utf8'));
    const roundTripped = JSON.parse(readFileSync(join(pulled, 'features.json'), 'utf8'));
    // A fresh folder gets one features.json sorted by name; pulling into flags/ itself keeps its order.
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect([...roundTripped.features].sort(byName)).toEqual([...original.features].sort(byName));
  });

  it('the import refuses an admin API token, and push says to use a personal access token', async () => {
    const err: string[] = [];
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => err.push(t) } };
    expect(await runFlagsCommand(['push', '--flags', t.flagsDir], { UNLEASH_URL: unleash.apiUrl, UNLEASH_ADMIN_TOKEN: unleash.adminToken }, io)).toBe(1);
    expect(err.join('')).toMatch(/personal access token/);
  });

  it('a flip through the admin API is in the Unleash event log and moves traffic to the new service', async () => {
    await t.start();
    expect(t.ficus.flags.isReady()).toBe(true);
    expect((await get(PATIENT)).timing).toContain('ficus;desc=shadow');
    const before = userRequestsToNew();
    const eventsBefore = await patientReadEvents();
    await t.ficus.flush();
    const auditBefore = Math.max(0, ...(await listAudit(t.ficus.store.db, { limit: 50 })).map((e) => e.seq));

    const res = await fetch(`${t.adminUrl}/api/routes/patient-read/mode`, {
      method: 'PUT',
      headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'new', reason: 'integration test: promote patient-read', force: true }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { target: string }).target).toBe('unleash:default/development');

    const flips = (await patientReadEvents()).filter((e) => !eventsBefore.some((b) => b.id === e.id));
    expect(flips.map((e) => e.type)).toEqual(expect.arrayContaining(['feature-strategy-add', 'feature-strategy-remove']));

    // The write API answers once this replica's poll has brought the flip in: no waiting here.
    expect((await get(PATIENT)).timing).toContain('ficus;desc=new');
    expect(userRequestsToNew()).toBeGreaterThan(before);
    const observed = t.logs.find((l) => l.event === 'flags-changed' && (l.flags as string[]).includes('ficus.patient-read'));
    expect(observed).toBeDefined();
    // Ficus's own flip is audited once, as the mode change with its actor and reason — not also as
    // a flag change observed from the server.
    await t.ficus.flush();
    const sinceFlip = (await listAudit(t.ficus.store.db, { limit: 50 })).filter((e) => e.seq > auditBefore);
    expect(sinceFlip.map((e) => [e.action, e.route])).toEqual([['mode-change', 'patient-read']]);
  });

  it('keeps serving on the last state when Unleash goes away, and /readyz reports how stale it is', async () => {
    await createUnleashFlagWriter({ url: unleash.apiUrl, adminToken: unleash.adminToken }).setKillSwitch(true);
    await waitFor(() => t.ficus.flags.definition(KILL_SWITCH_FLAG)?.enabled === true, 10_000, 'Ficus to poll the kill switch');
    await waitFor(() => readBackupFeature(t.dataDir, KILL_SWITCH_FLAG)?.enabled === true, 5_000, 'the backup to hold the kill switch');

    await unleash.kill();
    await waitFor(() => t.logs.find((l) => l.event === 'unleash-fetch-failed'), 10_000, 'a failed fetch');
    clock = new Date(clock.getTime() + 600_000);

    const served = await get(PATIENT);
    expect(served.status).toBe(200);
    expect(served.timing).toContain('ficus;desc=legacy');
    const ready = await fetch(`${t.adminUrl}/readyz`);
    const body = (await ready.json()) as { status: string; flagsAgeSeconds: number };
    expect(ready.status).toBe(200);
    expect(body.flagsAgeSeconds).toBeGreaterThanOrEqual(600);
  });

  it('restarts from the backup, not from a stale flags/: the kill switch stays on', async () => {
    await t.stop();
    // flags/ still says what was pushed at the start: kill switch off, patient-read shadow.
    expect(JSON.parse(readFileSync(join(t.flagsDir, 'features.json'), 'utf8')).features.find((f: { name: string }) => f.name === KILL_SWITCH_FLAG).enabled).toBe(false);

    await t.start();
    expect(t.ficus.flags.isReady()).toBe(true);
    expect(t.ficus.flags.definition(KILL_SWITCH_FLAG)?.enabled).toBe(true);
    expect(t.ficus.flags.definition('ficus.patient-read')?.strategies?.[0]?.variants?.[0]?.name).toBe('new');
    const before = userRequestsToNew();
    expect((await get(PATIENT)).timing).toContain('ficus;desc=legacy');
    expect(userRequestsToNew()).toBe(before);
  });
});

function readBackupFeature(dataDir: string, name: string): { enabled: boolean } | undefined {
  try {
    return (JSON.parse(readFileSync(join(dataDir, BACKUP_FILE), 'utf8')) as { features: { name: string; enabled: boolean }[] }).features.find((f) => f.name === name);
  } catch {
    return undefined;
  }
}
