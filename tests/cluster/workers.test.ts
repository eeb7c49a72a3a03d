// `ficus start --workers 2` as a real process tree: a primary and two proxy workers sharing one
// port, real upstreams, a real SQLite store. Which worker served a request is read from the access
// log (each worker's lines carry its slot); nothing in a response says which process answered.
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeConfigDirs } from '../support/ficus/config-files.ts';
import { startFicusProcess, stopFicusProcess, type FicusProcess } from '../support/ficus/ficus-process.ts';
import type { LogEntry } from '../support/ficus/log-sink.ts';
import { startEchoUpstream, startUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { waitFor } from '../support/wait-for.ts';

const ROUTES = `routes:
  - id: items
    match: { methods: [GET], path: /items/:id }
    new: next
    flag: ficus.items
    stickiness: { path: id }
    breaker: { consecutiveFailures: 3, openMs: 600000 }
  - id: notes
    match: { methods: [GET], path: /notes/:id }
    new: next
    flag: ficus.notes
    stickiness: { path: id }
`;
const TOKEN = 'workers-token';

describe('ficus start --workers 2', () => {
  let legacy: TestUpstream;
  let next: TestUpstream;
  let nextFails = false;
  let dirs: ReturnType<typeof writeConfigDirs>;
  let ficus: FicusProcess;

  beforeAll(async () => {
    legacy = await startUpstream((req, res) => {
      req.resume();
      const answer = () => res.writeHead(200, { 'content-type': 'application/json', 'x-side': 'legacy' }).end('{"side":"legacy"}');
      if (req.url === '/slow') setTimeout(answer, 400);
      else answer();
    });
    const echo = await startEchoUpstream('new');
    next = await startUpstream((req, res) => {
      if (!nextFails) return echo.server.emit('request', req, res);
      req.resume();
      res.writeHead(503, { 'content-type': 'text/plain' }).end('down');
    });
    dirs = writeConfigDirs(ROUTES, { legacy: { url: legacy.url }, next: { url: next.url } }, { 'ficus.items': { mode: 'new' }, 'ficus.notes': { mode: 'new' } });
    ficus = await startFicusProcess(['--workers', '2', '--data-dir', dirs.dataDir], {
      FICUS_ROUTES_DIR: dirs.routesDir, FICUS_FLAGS_DIR: dirs.flagsDir, FICUS_ADMIN_TOKEN: TOKEN,
      FICUS_AUTOPILOT_TICK_MS: '0', FICUS_DRAIN_MS: '5000', FICUS_LOG_LEVEL: 'info',
    }, 40_000);
  }, 60_000);

  afterAll(async () => {
    await stopFicusProcess(ficus);
    for (const pid of workerPids()) try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    await Promise.all([legacy?.close(), next?.close()]);
    dirs?.remove();
  });

  const workerPids = () => (ficus?.lines ?? []).filter((l) => l.event === 'worker-ready').map((l) => Number(l.pid));
  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${ficus.adminUrl}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    expect(res.status, `${method} ${path}: ${res.status}`).toBeLessThan(300);
    return (await res.json()) as T;
  };
  /** One request on a connection of its own (so the primary hands it to the next worker); its access-log line. */
  // Sequential: the next request leaves only once this one's line is in, so lines and requests pair up.
  const fresh = async (path: string): Promise<{ status: number; side: string | null; line: LogEntry }> => {
    const before = requestLines().length;
    const res = await fetch(`${ficus.proxyUrl}${path}`, { headers: { connection: 'close' } });
    await res.arrayBuffer();
    const line = await waitFor(() => requestLines()[before], 5_000, `access-log line of ${path}`);
    return { status: res.status, side: res.headers.get('x-side'), line };
  };
  const requestLines = () => ficus.lines.filter((l) => l.event === 'request');
  const many = async (count: number, path: (i: number) => string) => {
    const out = [];
    for (let i = 0; i < count; i++) out.push(await fresh(path(i)));
    return out;
  };
  const get = (url: string, agent: Agent) => new Promise<number>((resolve, reject) => {
    request(url, { agent }, (res) => res.resume().once('end', () => resolve(res.statusCode ?? 0))).once('error', reject).end();
  });
  const workersOf = (lines: readonly { line: LogEntry }[]) => [...new Set(lines.map((r) => r.line.worker))].sort();

  it('serves requests from both workers on one port, and the primary shows their merged statistics', async () => {
    await many(30, (i) => `/notes/n${i}`);
    const served = ficus.lines.filter((l) => l.event === 'request' && l.route === 'notes');
    expect(new Set(served.map((l) => l.worker))).toEqual(new Set([0, 1]));
    const notes = await waitForValue(async () => {
      const { routes } = await admin<{ routes: { id: string; stats: { served: { new: number } } }[] }>('GET', '/api/routes');
      const n = routes.find((r) => r.id === 'notes')!.stats.served.new;
      return n === 30 ? n : undefined;
    });
    expect(notes).toBe(30);
    const total = await waitForValue(async () => {
      const text = await (await fetch(`${ficus.adminUrl}/metrics`)).text();
      const sum = [...text.matchAll(/^ficus_requests_total\{route="notes",[^}]*\} (\d+)$/gm)].reduce((a, m) => a + Number(m[1]), 0);
      return sum === 30 ? sum : undefined;
    });
    expect(total).toBe(30);
  });

  it('applies the kill switch set through the admin API in every worker, from the next request on', async () => {
    await admin('POST', '/api/kill-switch', { on: true, reason: 'workers test' });
    // Flags and connections reach a worker over one ordered channel: no request can overtake the switch.
    const during = await many(16, (i) => `/notes/k${i}`);
    expect(during.map((r) => r.side)).toEqual(Array(16).fill('legacy'));
    expect(workersOf(during)).toEqual([0, 1]);
    await admin('POST', '/api/kill-switch', { on: false, reason: 'workers test over' });
    const after = await many(16, (i) => `/notes/k${i}`);
    expect(after.map((r) => r.side)).toEqual(Array(16).fill('new'));
    expect(workersOf(after)).toEqual([0, 1]);
  });

  it('trips the breaker in every worker when one worker trips it, audited once', async () => {
    nextFails = true;
    try {
      // One keep-alive connection: every failure lands on the same worker.
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const tripped = () => ficus.lines.find((l) => l.event === 'breaker-trip' && l.route === 'items');
      for (let i = 0; i < 20 && !tripped(); i++) {
        const before = requestLines().length;
        await get(`${ficus.proxyUrl}/items/b${i}`, agent);
        await waitFor(() => requestLines()[before], 5_000, 'access-log line of a failure');
      }
      agent.destroy();
      await waitFor(tripped, 5_000, 'breaker-trip line');
      const tripper = requestLines().findLast((l) => l.route === 'items')!.worker;
      const newCallsBefore = next.received.length;
      // Waited on: the other worker's first request after the trip (not a timing assertion).
      const after = await many(16, (i) => `/items/a${i}`);
      expect(after.map((r) => r.line.fallback)).toEqual(Array(16).fill('breaker-open'));
      expect(after.some((r) => r.line.worker !== tripper)).toBe(true);
      expect(next.received.length).toBe(newCallsBefore);
      const { entries } = await admin<{ entries: { action: string }[] }>('GET', '/api/audit?route=items');
      expect(entries.filter((e) => e.action === 'breaker-trip')).toHaveLength(1);
      const { routes } = await admin<{ routes: { id: string; breaker: string }[] }>('GET', '/api/routes');
      expect(routes.find((r) => r.id === 'items')!.breaker).toBe('open');
    } finally {
      nextFails = false;
    }
  });

  it('keeps one audit chain that verifies after flips made while workers serve', async () => {
    await admin('PUT', '/api/routes/notes/mode', { mode: 'shadow', reason: 'flip 1' });
    await many(4, (i) => `/notes/f${i}`);
    await admin('PUT', '/api/routes/notes/mode', { mode: 'new', force: true, reason: 'flip 2' });
    const verdict = await admin<{ ok: boolean; entries: number }>('GET', '/api/audit/verify');
    expect(verdict).toMatchObject({ ok: true });
    expect(verdict.entries).toBeGreaterThanOrEqual(5); // kill switch on/off, breaker trip, two flips
  });

  it('forks a killed worker again, and requests keep being answered', async () => {
    const victim = ficus.lines.findLast((l) => l.event === 'worker-ready' && l.slot === 0)!;
    process.kill(Number(victim.pid), 'SIGKILL');
    const replaced = await waitFor(() => ficus.lines.find((l) => l.event === 'worker-ready' && l.slot === 0 && l.pid !== victim.pid), 20_000, 'worker 0 forked again');
    expect(ficus.lines.find((l) => l.event === 'worker-exited' && l.pid === victim.pid)).toMatchObject({ signal: 'SIGKILL', restarting: true });
    const answers = await many(10, (i) => `/notes/r${i}`);
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(replaced.pid).not.toBe(victim.pid);
    expect(answers.some((r) => r.line.worker === 0)).toBe(true);
    const text = await (await fetch(`${ficus.adminUrl}/metrics`)).text();
    expect(text).toMatch(/^ficus_worker_restarts_total 1$/m);
    expect(text).toMatch(/^ficus_workers\{state="live"\} 2$/m);
  });

  it('drains on SIGTERM: the request in flight is answered, every worker exits, the primary exits 0', async () => {
    const pids = ficus.lines.filter((l) => l.event === 'worker-ready').map((l) => Number(l.pid));
    const slow = fetch(`${ficus.proxyUrl}/slow`).then(async (res) => ({ status: res.status, body: await res.text() }));
    await waitFor(() => legacy.received.find((r) => r.url === '/slow'), 5_000, 'the slow request at legacy');
    ficus.kill('SIGTERM');
    expect(await slow).toEqual({ status: 200, body: '{"side":"legacy"}' });
    expect(await ficus.exited).toEqual({ code: 0, signal: null });
    expect(pids.filter(isAlive)).toEqual([]);
  });
});

describe('proxy workers whose primary dies', () => {
  it('drain and exit instead of serving on as orphans nobody stops', async () => {
    const legacy = await startEchoUpstream('legacy');
    const dirs = writeConfigDirs(ROUTES, { legacy: { url: legacy.url }, next: { url: legacy.url } }, {});
    const ficus = await startFicusProcess(['--workers', '2', '--data-dir', dirs.dataDir], {
      FICUS_ROUTES_DIR: dirs.routesDir, FICUS_FLAGS_DIR: dirs.flagsDir, FICUS_ADMIN_TOKEN: TOKEN, FICUS_AUTOPILOT_TICK_MS: '0',
    }, 40_000);
    const pids = ficus.lines.filter((l) => l.event === 'worker-ready').map((l) => Number(l.pid));
    try {
      expect(pids).toHaveLength(2);
      ficus.kill('SIGKILL');
      await ficus.exited;
      await waitFor(() => pids.every((pid) => !isAlive(pid)), 15_000, 'orphaned workers to exit');
    } finally {
      for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL');
      await legacy.close();
      dirs.remove();
    }
  }, 60_000);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls an async probe (evidence crosses processes each second); the deadline only bounds a failure. */
async function waitForValue<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for the merged value');
    await new Promise((r) => setTimeout(r, 100));
  }
}
