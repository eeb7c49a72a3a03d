// Regression (#12 item 6): under `--workers`, the kill switch set through the admin API was not yet
// in force on a keep-alive connection already open to a worker when the API answered — the next
// request on that connection could be decided on the old flags, until the worker read the flag
// snapshot from its IPC channel. The primary now answers a flag write only once every serving
// worker has acknowledged the new snapshot.
//
// The flags file is padded with unrelated flags, so each snapshot is larger than a socket buffer:
// the IPC write then takes several event-loop turns on both sides — the window in which the old
// code could answer while a worker still held the old flags. (Against the old code this test fails
// on the missing acknowledgement report; the decision race itself did not show in our runs.)
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeConfigDirs, type FlagSpec } from '../support/ficus/config-files.ts';
import { startFicusProcess, stopFicusProcess, type FicusProcess } from '../support/ficus/ficus-process.ts';
import { startUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';

const ROUTES = `routes:
  - id: items
    match: { methods: [GET], path: /items/:id }
    new: next
    flag: ficus.items
`;
const TOKEN = 'flag-acks-token';
const PADDING_FLAGS = 400;

describe('ficus start --workers 2: a flag write answers once every worker has it in force', () => {
  let legacy: TestUpstream;
  let next: TestUpstream;
  let dirs: ReturnType<typeof writeConfigDirs>;
  let ficus: FicusProcess;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  beforeAll(async () => {
    const side = (name: string) => startUpstream((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain', 'x-side': name }).end(name);
    });
    [legacy, next] = await Promise.all([side('legacy'), side('new')]);
    const flags: Record<string, FlagSpec> = { 'ficus.items': { mode: 'new' } };
    for (let i = 0; i < PADDING_FLAGS; i++) flags[`ficus.padding-${i}`] = { mode: 'canary', percent: 25 };
    dirs = writeConfigDirs(ROUTES, { legacy: { url: legacy.url }, next: { url: next.url } }, flags);
    ficus = await startFicusProcess(['--workers', '2', '--data-dir', dirs.dataDir], {
      FICUS_ROUTES_DIR: dirs.routesDir, FICUS_FLAGS_DIR: dirs.flagsDir, FICUS_ADMIN_TOKEN: TOKEN,
      FICUS_AUTOPILOT_TICK_MS: '0', FICUS_LOG_LEVEL: 'info',
    }, 40_000);
  }, 60_000);

  afterAll(async () => {
    agent.destroy();
    await stopFicusProcess(ficus);
    await Promise.all([legacy?.close(), next?.close()]);
    dirs?.remove();
  });

  /** One request on the agent's single keep-alive connection: which side served it, and whether the connection was reused. */
  const onTheConnection = (path: string) => new Promise<{ side: string; reused: boolean }>((resolve, reject) => {
    const req = request(`${ficus.proxyUrl}${path}`, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ side: String(res.headers['x-side']), reused: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end();
  });
  const setKillSwitch = async (on: boolean) => {
    const res = await fetch(`${ficus.adminUrl}/api/kill-switch`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ on, reason: on ? 'emergency stop drill' : 'drill over' }),
    });
    return { status: res.status, body: (await res.json()) as { killSwitch: { after: boolean }; workers?: { inForce: boolean; workers: number; acknowledged: number } } };
  };

  it('answers a kill-switch write only once both workers acknowledged it, and the next request on an open keep-alive connection follows it', async () => {
    expect(await onTheConnection('/items/1')).toEqual({ side: 'new', reused: false });
    for (let round = 0; round < 4; round++) {
      const on = await setKillSwitch(true);
      const stopped = await onTheConnection('/items/1');
      const off = await setKillSwitch(false);
      const released = await onTheConnection('/items/1');
      expect({ round, stopped, released }).toEqual({ round, stopped: { side: 'legacy', reused: true }, released: { side: 'new', reused: true } });
      expect(on.status).toBe(200);
      expect(off.status).toBe(200);
      expect(on.body.workers).toEqual({ inForce: true, workers: 2, acknowledged: 2, notAcknowledged: [] });
    }
  }, 60_000);

  it('counts flag writes that answered before every worker acknowledged (none here) in /metrics', async () => {
    const res = await fetch(`${ficus.adminUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await res.text()).toMatch(/^ficus_worker_flag_ack_timeouts_total 0$/m);
  });
});
