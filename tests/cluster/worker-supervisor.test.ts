// The primary's supervisor with real forked workers sharing one real listening port.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { PrimaryMessage, WorkerMessage } from '../../src/cluster/cluster-messages.ts';
import { superviseWorkers, type SupervisorEvent, type WorkerInfo, type WorkerSupervisorDeps, type WorkerSupervisor } from '../../src/cluster/supervise-workers.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/plain-worker.ts', import.meta.url));

interface Started {
  readonly supervisor: WorkerSupervisor;
  readonly events: SupervisorEvent[];
  readonly messages: { message: WorkerMessage; worker: WorkerInfo }[];
  /** Resolves with the first event matching, past or future. */
  waitFor(test: (event: SupervisorEvent) => boolean): Promise<SupervisorEvent>;
  url(): string;
}

let running: WorkerSupervisor | undefined;
afterEach(async () => {
  await running?.drain(5_000);
  running = undefined;
});

function start(count: number, extra: Partial<WorkerSupervisorDeps> = {}): Started {
  const events: SupervisorEvent[] = [];
  const messages: Started['messages'] = [];
  const waiters: { test: (e: SupervisorEvent) => boolean; resolve: (e: SupervisorEvent) => void }[] = [];
  let url = '';
  const supervisor = superviseWorkers({
    count,
    exec: FIXTURE,
    execArgv: [],
    // The fixture reads only settings.port; the rest of Settings is the real primary's business.
    welcome: (slot) => [{ type: 'ficus:init', slot, settings: { port: 0 }, diffKey: { id: 't', secret: Buffer.alloc(32), generated: true } } as unknown as PrimaryMessage],
    onMessage: (message, worker) => {
      messages.push({ message, worker });
      if (message.type === 'ficus:ready') url = message.proxyUrl;
    },
    onEvent: (event) => {
      events.push(event);
      for (const w of waiters.filter((w) => w.test(event))) w.resolve(event);
    },
    now: () => Date.now(),
    ...extra,
  });
  running = supervisor;
  return {
    supervisor, events, messages, url: () => url,
    waitFor: (test) => {
      const seen = events.find(test);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ test, resolve }));
    },
  };
}

const get = async (url: string) => {
  // A fresh connection each time, so the primary hands each request to the next worker.
  const res = await fetch(url, { headers: { connection: 'close' } });
  return res.text();
};

describe('proxy workers under one supervisor', () => {
  it('serves requests from every worker on one shared port', async () => {
    const s = start(2);
    await s.supervisor.started;
    const answers = new Set<string>();
    for (let i = 0; i < 20 && answers.size < 2; i++) answers.add((await get(s.url())).split(' pid')[0]!);
    expect([...answers].sort()).toEqual(['slot 0', 'slot 1']);
  });

  it('re-forks a worker that is killed, and requests keep being answered', async () => {
    const s = start(2);
    await s.supervisor.started;
    const victim = s.supervisor.workers().find((w) => w.slot === 0)!;
    process.kill(victim.pid, 'SIGKILL');
    const exited = await s.waitFor((e) => e.type === 'worker-exited');
    expect(exited).toMatchObject({ worker: { slot: 0, pid: victim.pid }, signal: 'SIGKILL', restarting: true });
    const replaced = await s.waitFor((e) => e.type === 'worker-ready' && e.worker.slot === 0 && e.worker.pid !== victim.pid);
    expect(s.supervisor.restarts()).toBe(1);
    for (let i = 0; i < 6; i++) expect(await get(s.url())).toMatch(/^slot [01] pid /);
    expect(s.supervisor.workers().map((w) => w.pid)).toContain((replaced as { worker: WorkerInfo }).worker.pid);
  });

  it('gives a slot up after its restart budget instead of re-forking a worker that cannot start in a loop', async () => {
    const s = start(1, { env: { FIXTURE_CRASH: '1' }, restart: { max: 2, windowMs: 60_000 } });
    await expect(s.supervisor.started).rejects.toThrow(/proxy worker 0 could not start/);
    expect(s.events.filter((e) => e.type === 'worker-exited')).toHaveLength(3);
    expect(s.events.at(-1)).toEqual({ type: 'slot-abandoned', slot: 0, restartsInWindow: 2 });
    expect(s.supervisor.workers()).toEqual([]);
  });

  it('drains: a request in flight is answered, every worker says it is drained and exits, none is re-forked', async () => {
    const s = start(2);
    await s.supervisor.started;
    const slow = get(`${s.url()}/slow`);
    // The slow request has reached a worker once it is being served: wait until a connection is up.
    await new Promise((r) => setTimeout(r, 50));
    await s.supervisor.drain(10_000);
    expect(await slow).toMatch(/^slot [01] pid /);
    expect(s.messages.filter((m) => m.message.type === 'ficus:drained')).toHaveLength(2);
    expect(s.supervisor.workers()).toEqual([]);
    expect(s.events.some((e) => e.type === 'worker-exited')).toBe(false);
    running = undefined;
  });
});
