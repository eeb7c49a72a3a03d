// #13 item 7: the store detects its own loss. A data directory deleted under a running Ficus, or a
// restart onto an empty store while the flag changes stay in force, is an alarm; mode changes are
// refused rather than confirmed with audit sequence numbers that vanish; the chain's head is
// exported so a truncated tail is caught against a copy kept elsewhere.
import { rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.ts';
import { STORE_ANCHOR_FILE } from '../../src/store/store-anchor.ts';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';

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
    const h: TestFicus = await startTestFicus();
    cleanups.push(() => h.close());
    expect((await setMode(h.adminUrl, 'shadow')).status).toBe(200);
    rmSync(h.dataDir, { recursive: true, force: true });

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
  it('is an alarm while the flag changes stay in force; the exported head proves the chain is gone; deleting the anchor adopts the store', async () => {
    const h: TestFicus = await startTestFicus();
    cleanups.push(() => h.close());
    const first = { ficus: h.ficus, logs: h.logs };
    const changed = (await (await setMode(first.ficus.adminUrl, 'shadow')).json()) as Json;
    const head = first.logs.find((l) => l.event === 'audit-head' && l.seq === changed.audit.seq);
    expect(head).toMatchObject({ seq: changed.audit.seq, hash: changed.audit.hash });
    expect(await (await fetch(`${first.ficus.adminUrl}/metrics`)).text()).toContain(`ficus_audit_head_info{seq="${changed.audit.seq}",hash="${changed.audit.hash}"} 1`);
    await h.stop();
    rmSync(h.dataDir, { recursive: true, force: true });

    await h.restart();
    const second = { ficus: h.ficus, logs: h.logs };
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

    unlinkSync(join(h.flagsDir, STORE_ANCHOR_FILE)); // the operator adopts the new store on purpose
    expect((await second.ficus.storeHealth.check()).status).toBe('ok');
    expect((await setMode(second.ficus.adminUrl, 'legacy')).status).toBe(200);
  });
});
