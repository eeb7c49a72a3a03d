// #13 item 7: the store detects its own loss. A data directory deleted under a running Ficus, or a
// restart onto an empty store while the flag changes stay in force, is an alarm; mode changes are
// refused rather than confirmed with audit sequence numbers that vanish; the chain's head is
// exported so a truncated tail is caught against a copy kept elsewhere.
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.ts';
import { startFicus, type Ficus } from '../../src/ficus.ts';
import { STORE_ANCHOR_FILE } from '../../src/store/store-anchor.ts';
import { DEFAULT_ROUTES, flagsFileText, testSettings, upstreamsYaml } from '../support/ficus/config-files.ts';
import { createLogSink } from '../support/ficus/log-sink.ts';
import { startHarness, type Harness } from '../support/ficus/test-ficus.ts';
import { startEchoUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies asserted field by field
type Json = any;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const setMode = (adminUrl: string, mode: string) =>
  fetch(`${adminUrl}/api/routes/items/mode`, {
    method: 'PUT',
    headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
    body: JSON.stringify({ mode, reason: 'loss drill' }),
  });
const readyz = async (adminUrl: string) => (await (await fetch(`${adminUrl}/readyz?verbose`)).json()) as Json;
const flagMode = async (adminUrl: string) => ((await (await fetch(`${adminUrl}/api/routes/items`, { headers: { authorization: 'Bearer test-token' } })).json()) as Json).mode;

describe('a data directory deleted under a running Ficus', () => {
  it('is an alarm, and mode changes answer 503 STORE_LOST instead of 200 with a vanishing audit seq', async () => {
    const h: Harness = await startHarness();
    cleanups.push(() => h.close());
    expect((await setMode(h.adminUrl, 'shadow')).status).toBe(200);
    rmSync(join(dirname(h.routesDir), 'data'), { recursive: true, force: true });

    const refused = await setMode(h.adminUrl, 'legacy');
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'STORE_LOST' });
    expect(await flagMode(h.adminUrl)).toBe('shadow'); // rolled back: nothing changed without its entry
    const ready = await readyz(h.adminUrl);
    expect(ready).toMatchObject({ status: 'ready', storeStatus: 'lost', storeHealth: { code: 'STORE_LOST' } });
    expect((await fetch(`${h.proxyUrl}/items/1`)).status).toBe(200);
    expect(await (await fetch(`${h.adminUrl}/metrics`)).text()).toContain('ficus_store_lost 1');
    expect(h.logs.filter((l) => l.event === 'store-health' && l.status === 'lost')).toHaveLength(1);
  });
});

describe('a restart onto an empty store', () => {
  async function start(dirs: { routesDir: string; flagsDir: string; dataDir: string }): Promise<{ ficus: Ficus; logs: Json[] }> {
    const { logs, log } = createLogSink();
    const ficus = await startFicus(testSettings(dirs), { log });
    cleanups.push(() => ficus.close());
    return { ficus, logs };
  }

  it('is an alarm while the flag changes stay in force; the exported head proves the chain is gone; deleting the anchor adopts the store', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ficus-loss-'));
    const dirs = { routesDir: join(root, 'routes'), flagsDir: join(root, 'flags'), dataDir: join(root, 'data') };
    for (const dir of Object.values(dirs)) mkdirSync(dir);
    const upstreams: TestUpstream[] = [await startEchoUpstream('legacy'), await startEchoUpstream('new')];
    cleanups.push(async () => {
      await Promise.all(upstreams.map((u) => u.close()));
      rmSync(root, { recursive: true, force: true });
    });
    writeFileSync(join(dirs.routesDir, 'upstreams.yaml'), upstreamsYaml({ legacy: { url: upstreams[0]!.url }, next: { url: upstreams[1]!.url } }));
    writeFileSync(join(dirs.routesDir, 'routes.yaml'), DEFAULT_ROUTES);
    writeFileSync(join(dirs.flagsDir, 'features.json'), flagsFileText({ 'ficus.items': { mode: 'legacy' }, 'ficus.search': { mode: 'legacy' }, 'ficus.open': { mode: 'legacy' } }));

    const first = await start(dirs);
    const changed = (await (await setMode(first.ficus.adminUrl, 'shadow')).json()) as Json;
    const head = first.logs.find((l) => l.event === 'audit-head' && l.seq === changed.audit.seq);
    expect(head).toMatchObject({ seq: changed.audit.seq, hash: changed.audit.hash });
    expect(await (await fetch(`${first.ficus.adminUrl}/metrics`)).text()).toContain(`ficus_audit_head_info{seq="${changed.audit.seq}",hash="${changed.audit.hash}"} 1`);
    await first.ficus.close();
    rmSync(dirs.dataDir, { recursive: true, force: true });

    const second = await start(dirs);
    expect(await flagMode(second.ficus.adminUrl)).toBe('shadow'); // the change stays in force...
    expect(await readyz(second.ficus.adminUrl)).toMatchObject({ status: 'ready', storeStatus: 'lost', storeHealth: { code: 'STORE_LOST' } });
    expect(second.logs.find((l) => l.event === 'store-health')).toMatchObject({ status: 'lost', error: expect.stringContaining(STORE_ANCHOR_FILE) });
    expect((await setMode(second.ficus.adminUrl, 'legacy')).status).toBe(503);
    // ...and the chain that explained it is gone: plain verify cannot tell, the exported head can.
    const cli = async (...args: string[]) => {
      let out = '';
      const sink = new Writable({ write: (chunk, _e, done) => { out += String(chunk); done(); } });
      const code = await runCli('audit', args, { FICUS_ADMIN_URL: second.ficus.adminUrl, FICUS_ADMIN_TOKEN: 'test-token' }, { stdout: sink, stderr: sink });
      return { code, out };
    };
    expect(await cli('verify')).toMatchObject({ code: 0 });
    const expectHead = await cli('verify', '--expect-head', `${head!.seq}:${head!.hash}`);
    expect(expectHead.code).toBe(1);
    expect(expectHead.out).toMatch(/tail truncated/);

    unlinkSync(join(dirs.flagsDir, STORE_ANCHOR_FILE)); // the operator adopts the new store on purpose
    expect((await second.ficus.storeHealth.check()).status).toBe('ok');
    expect((await setMode(second.ficus.adminUrl, 'legacy')).status).toBe(200);
  });
});
