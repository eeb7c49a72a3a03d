// Red team on `ficus start --workers 2` as a real process tree (a primary, two proxy workers, real
// upstreams, a real SQLite store): what an unlucky operator does to it while clinicians use it.
// A routes reload under load, a flag flip, a bad routes file, a worker killed with requests in flight
// (the client's connection is cut; the loss must be counted where an operator looks), and workers
// that can never come back (the instance must stop claiming to be ready, then exit so the
// orchestrator restarts it). Which worker served a request is read from the access log (`worker`);
// which worker holds a request in flight, from /proc (the socket the upstream sees it on).
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, type TestPki } from '../support/certs/test-pki.ts';
import { upstreamsYaml, writeConfigDirs } from '../support/ficus/config-files.ts';
import { startFicusProcess, stopFicusProcess, type FicusProcess } from '../support/ficus/ficus-process.ts';
import { pidOwningLocalPort } from '../support/process/socket-owner.ts';
import { startEchoUpstream, startUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { waitFor, waitForAsync } from '../support/wait-for.ts';

const ROUTES = `routes:
  - id: items
    match: { methods: [GET], path: /items/:id }
    new: next
    flag: ficus.items
    stickiness: { path: id }
`;
const ROUTES_WITH_EXTRA = `${ROUTES}  - id: extra
    match: { methods: [GET], path: /extra/:id }
    new: next
    flag: ficus.items
    stickiness: { path: id }
`;
const TOKEN = 'trouble-token';
const ENV = { FICUS_ADMIN_TOKEN: TOKEN, FICUS_AUTOPILOT_TICK_MS: '0', FICUS_DRAIN_MS: '3000', FICUS_LOG_LEVEL: 'info' };

/** A request the `next` upstream holds until released, with the port it arrived from (the worker's end). */
interface Held {
  readonly url: string;
  readonly remotePort: number;
  release(): void;
}

describe('ficus start --workers 2, in trouble', () => {
  let legacy: TestUpstream;
  let next: TestUpstream;
  const held: Held[] = [];
  let dirs: ReturnType<typeof writeConfigDirs>;
  let ficus: FicusProcess;

  beforeAll(async () => {
    legacy = await startEchoUpstream('legacy');
    const echo = await startEchoUpstream('new');
    next = await startUpstream((req: http.IncomingMessage, res: http.ServerResponse) => {
      if (!req.url?.includes('/hold-')) return echo.server.emit('request', req, res);
      req.resume();
      held.push({ url: req.url, remotePort: req.socket.remotePort ?? 0, release: () => void (res.headersSent || res.writeHead(200, { 'x-side': 'new' }).end('held')) });
    });
    dirs = writeConfigDirs(ROUTES, { legacy: { url: legacy.url }, next: { url: next.url } }, { 'ficus.items': { mode: 'new' } });
    ficus = await startFicusProcess(['--workers', '2', '--data-dir', dirs.dataDir], { ...ENV, FICUS_ROUTES_DIR: dirs.routesDir, FICUS_FLAGS_DIR: dirs.flagsDir }, 40_000);
  }, 60_000);

  afterAll(async () => {
    for (const h of held) h.release();
    await stopFicusProcess(ficus);
    for (const pid of everyWorkerPid(ficus)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    await Promise.all([legacy?.close(), next?.close()]);
    dirs?.remove();
  });

  const requestLines = () => ficus.lines.filter((l) => l.event === 'request');
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${ficus.adminUrl}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  /** One request on a fresh connection (the primary hands each new connection to the next worker). */
  const fresh = async (path: string) => {
    const res = await fetch(`${ficus.proxyUrl}${path}`, { headers: { connection: 'close' } });
    return { status: res.status, side: res.headers.get('x-side'), body: await res.text() };
  };
  /** Sequential fresh requests, each paired with its access-log line (so we know its worker). */
  const served = async (count: number, path: (i: number) => string) => {
    const out: { side: string | null; worker: unknown }[] = [];
    for (let i = 0; i < count; i++) {
      const before = requestLines().length;
      const { side } = await fresh(path(i));
      const line = await waitFor(() => requestLines()[before], 5_000, 'access-log line');
      out.push({ side, worker: line.worker });
    }
    return out;
  };
  const holdOne = async (path: string) => {
    const before = held.length;
    const answer = fresh(path).catch((error: Error) => ({ status: 0, side: null, body: String(error.cause ?? error) }));
    const h = await waitFor(() => held[before], 5_000, `${path} held at the upstream`);
    return { answer, held: h };
  };

  it('a routes reload under load fails no request, in flight or arriving, and reaches both workers', async () => {
    const inFlight = [await holdOne('/items/hold-r1'), await holdOne('/items/hold-r2')];
    let loading = true;
    const results: { status: number; error?: string }[] = [];
    const loop = async (n: number) => {
      for (let i = 0; loading; i++) {
        try {
          results.push({ status: (await fresh(`/items/load${n}-${i}`)).status });
        } catch (error) {
          results.push({ status: 0, error: String((error as Error).cause ?? error) });
        }
      }
    };
    const loops = [loop(1), loop(2), loop(3)];
    await waitFor(() => results.length >= 20, 20_000, 'load before the reload');
    // A new route, and the new service's upstream rebuilt (its old agent serves the held requests).
    const reloadsBefore = ficus.lines.filter((l) => l.event === 'routes-reloaded').length;
    writeFileSync(join(dirs.routesDir, 'upstreams.yaml'), upstreamsYaml({ legacy: { url: legacy.url }, next: { url: next.url, timeouts: { headersMs: 20_000 } } }));
    writeFileSync(join(dirs.routesDir, 'routes.yaml'), ROUTES_WITH_EXTRA);
    await waitFor(() => ficus.lines.filter((l) => l.event === 'routes-reloaded').length > reloadsBefore, 10_000, 'routes-reloaded');
    const extraFrom = new Set<unknown>();
    for (let i = 0; i < 60 && extraFrom.size < 2; i++) {
      const [r] = await served(1, () => `/extra/e${i}`);
      if (r!.side === 'new') extraFrom.add(r!.worker);
    }
    const afterReload = results.length;
    await waitFor(() => results.length >= afterReload + 20, 20_000, 'load after the reload');
    loading = false;
    await Promise.all(loops);
    for (const { held: h } of inFlight) h.release();
    expect(await Promise.all(inFlight.map((i) => i.answer))).toEqual([
      { status: 200, side: 'new', body: 'held' },
      { status: 200, side: 'new', body: 'held' },
    ]);
    expect([...extraFrom].sort()).toEqual([0, 1]);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
  }, 90_000);

  it('a flag flip through the admin API is in force in both workers from the next connection on', async () => {
    expect((await admin('PUT', '/api/routes/items/mode', { mode: 'legacy', reason: 'red team: flip' })).status).toBe(200);
    const after = await served(12, (i) => `/items/f${i}`);
    expect(after.map((r) => r.side)).toEqual(Array(12).fill('legacy'));
    expect(new Set(after.map((r) => r.worker))).toEqual(new Set([0, 1]));
    expect((await admin('PUT', '/api/routes/items/mode', { mode: 'new', force: true, reason: 'red team: flip back' })).status).toBe(200);
    const back = await served(12, (i) => `/items/g${i}`);
    expect(back.map((r) => r.side)).toEqual(Array(12).fill('new'));
  }, 60_000);

  it('a bad routes file is refused: every worker keeps the last good routes and /readyz names the error', async () => {
    const failuresBefore = ficus.lines.filter((l) => l.event === 'routes-reload-failed').length;
    writeFileSync(join(dirs.routesDir, 'routes.yaml'), `${ROUTES_WITH_EXTRA}  - id: broken\n    match: { path: [\n`);
    await waitFor(() => ficus.lines.filter((l) => l.event === 'routes-reload-failed').length > failuresBefore, 10_000, 'routes-reload-failed');
    const ready = await fetch(`${ficus.adminUrl}/readyz`);
    const body = (await ready.json()) as { configError: string | null };
    expect(body.configError).toMatch(/routes\.yaml/);
    const still = await served(12, (i) => `/extra/b${i}`);
    expect(still.map((r) => r.side)).toEqual(Array(12).fill('new'));
    expect(new Set(still.map((r) => r.worker))).toEqual(new Set([0, 1]));
    expect(ficus.lines.filter((l) => l.event === 'routes-apply-failed')).toEqual([]);
    writeFileSync(join(dirs.routesDir, 'routes.yaml'), ROUTES_WITH_EXTRA);
    await waitForAsync(async () => ((await (await fetch(`${ficus.adminUrl}/readyz`)).json()) as { configError: string | null }).configError === null, 10_000, 'the error cleared');
  }, 60_000);

  it('counts in /metrics the requests lost with a worker killed mid-request; the other worker\'s finish', async () => {
    const workers = liveWorkerPids(ficus);
    expect(workers).toHaveLength(2);
    const requests = [];
    for (let i = 0; i < 4; i++) requests.push(await holdOne(`/items/hold-k${i}`));
    const owners = requests.map((r) => pidOwningLocalPort(r.held.remotePort, workers));
    expect(owners.every((pid) => pid !== undefined)).toBe(true);
    const victim = owners[0]!;
    const onVictim = owners.filter((pid) => pid === victim).length;
    // The workers' last reports must include these requests before the kill (reported each second).
    await waitForAsync(async () => metricValue(await metrics(), 'ficus_worker_requests_in_flight') === 4, 10_000, 'in-flight reported');
    process.kill(victim, 'SIGKILL');
    await waitFor(() => ficus.lines.find((l) => l.event === 'worker-exited' && l.pid === victim), 10_000, 'worker-exited');
    for (const r of requests) r.held.release();
    const answers = await Promise.all(requests.map((r) => r.answer));
    expect(answers.filter((a) => a.status === 0)).toHaveLength(onVictim);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(4 - onVictim);
    expect(ficus.lines.find((l) => l.event === 'worker-exited' && l.pid === victim)).toMatchObject({ inFlightAtLastReport: onVictim });
    const text = await metrics();
    expect(metricValue(text, 'ficus_worker_lost_requests_total')).toBe(onVictim);
    await waitFor(() => liveWorkerPids(ficus).length === 2 && !liveWorkerPids(ficus).includes(victim), 30_000, 'the slot forked again');
  }, 90_000);

  const metrics = async () => (await fetch(`${ficus.adminUrl}/metrics`)).text();
});

describe('ficus start --workers 2 whose workers can never start again', () => {
  let pki: TestPki;
  let legacy: TestUpstream;
  let dirs: ReturnType<typeof writeConfigDirs>;
  let ficus: FicusProcess | undefined;
  afterAll(async () => {
    await stopFicusProcess(ficus);
    for (const pid of ficus ? everyWorkerPid(ficus) : []) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    await legacy?.close();
    dirs?.remove();
    pki?.remove();
  });

  it('stops being ready once no worker serves, and exits 1 when every slot is given up, leaving no worker behind', async () => {
    pki = createTestPki();
    legacy = await startEchoUpstream('legacy');
    dirs = writeConfigDirs(ROUTES, { legacy: { url: legacy.url }, next: { url: legacy.url } }, {});
    const cert = pki.server('ficus');
    ficus = await startFicusProcess(['--workers', '2', '--data-dir', dirs.dataDir], {
      ...ENV, FICUS_ROUTES_DIR: dirs.routesDir, FICUS_FLAGS_DIR: dirs.flagsDir, FICUS_TLS_CERT_FILE: cert.certFile, FICUS_TLS_KEY_FILE: cert.keyFile,
    }, 40_000);
    const f = ficus;
    expect((await fetch(`${f.adminUrl}/readyz`)).status).toBe(200);
    // An operator's botched certificate rotation; then the workers die (OOM killer, a bug): every
    // worker forked again cannot read its certificate and exits at start.
    unlinkSync(cert.certFile);
    const victims = liveWorkerPids(f);
    for (const pid of victims) process.kill(pid, 'SIGKILL');
    await waitFor(() => victims.every((pid) => f.lines.some((l) => l.event === 'worker-exited' && l.pid === pid)), 10_000, 'both workers exited');
    // Each slot is given up only after five more starts fail (seconds each): the primary still answers.
    const notReady = await fetch(`${f.adminUrl}/readyz`).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
    expect(notReady).toMatchObject({ status: 503, body: { status: 'not-ready', workers: { serving: 0, configured: 2 } } });
    expect(await f.exited).toEqual({ code: 1, signal: null });
    expect(f.lines.filter((l) => l.event === 'worker-slot-abandoned')).toHaveLength(2);
    expect(f.lines.find((l) => l.event === 'workers-lost')).toBeDefined();
    expect(everyWorkerPid(f).filter(isAlive)).toEqual([]);
  }, 120_000);
});

function liveWorkerPids(f: FicusProcess): number[] {
  const exited = new Set(f.lines.filter((l) => l.event === 'worker-exited').map((l) => Number(l.pid)));
  return everyWorkerPid(f).filter((pid) => !exited.has(pid));
}

function everyWorkerPid(f: FicusProcess | undefined): number[] {
  return (f?.lines ?? []).filter((l) => l.event === 'worker-ready').map((l) => Number(l.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function metricValue(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name}(?:\\{\\})? (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}
