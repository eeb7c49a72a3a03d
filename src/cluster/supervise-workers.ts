// The primary's side of `--workers N`: forks N proxy workers with Node's cluster (they share the
// listening port; the primary hands each new connection to the next worker), greets each new
// worker with the state of now (settings, routes, flags, open breakers), re-forks a worker that
// dies (within a restart budget, so a worker that cannot start does not loop), and drains them all
// on shutdown. It knows nothing of HTTP: what the messages mean is the caller's (start-cluster.ts).
import cluster, { type Worker } from 'node:cluster';
import { isWorkerMessage, type PrimaryMessage, type WorkerMessage } from './cluster-messages.ts';
import { createRestartBudget, type RestartBudget, type RestartBudgetOptions } from './restart-budget.ts';

export interface WorkerInfo {
  /** 0..N-1: the place a worker fills; a re-forked worker takes its predecessor's slot. */
  readonly slot: number;
  readonly pid: number;
  /** Cluster's worker id, unique for the primary's lifetime. */
  readonly id: number;
}

export type SupervisorEvent =
  | { readonly type: 'worker-ready'; readonly worker: WorkerInfo }
  | { readonly type: 'worker-exited'; readonly worker: WorkerInfo; readonly code: number | null; readonly signal: string | null; readonly restarting: boolean }
  /** The slot exhausted its restart budget: it stays empty, the other workers keep serving. */
  | { readonly type: 'slot-abandoned'; readonly slot: number; readonly restartsInWindow: number };

export interface WorkerSupervisorDeps {
  readonly count: number;
  /** The worker's entry module; by default the primary's own (main.ts decides by cluster.isWorker). */
  readonly exec?: string;
  readonly args?: readonly string[];
  /** Node options of the workers; the primary's own by default. */
  readonly execArgv?: readonly string[];
  /** Extra environment for workers (added to the primary's). */
  readonly env?: Readonly<Record<string, string>>;
  /** Default: at most 5 restarts per slot per minute. */
  readonly restart?: RestartBudgetOptions;
  /** The first messages a newly forked worker gets, in order: the state in force now. */
  welcome(slot: number): readonly PrimaryMessage[];
  onMessage(message: WorkerMessage, worker: WorkerInfo): void;
  onEvent(event: SupervisorEvent): void;
  now(): number;
}

export interface WorkerSupervisor {
  /** Resolves when every slot's first worker is listening; rejects if a slot is abandoned first. */
  readonly started: Promise<void>;
  /** Sends to every live worker (but `except`, by cluster id: the one a transition came from). */
  broadcast(message: PrimaryMessage, except?: number): void;
  workers(): readonly WorkerInfo[];
  /** Workers listening now (forked and ready): with none, nothing accepts on the proxy port. */
  serving(): number;
  /** The workers counted by serving(). */
  servingWorkers(): readonly WorkerInfo[];
  /** Workers forked again after an unexpected exit, since start. */
  restarts(): number;
  /** Asks every worker to drain and waits for all to exit; kills those still alive at the deadline. */
  drain(deadlineMs: number): Promise<void>;
}

export function superviseWorkers(deps: WorkerSupervisorDeps): WorkerSupervisor {
  cluster.setupPrimary({
    ...(deps.exec ? { exec: deps.exec } : {}),
    ...(deps.args ? { args: [...deps.args] } : {}),
    ...(deps.execArgv ? { execArgv: [...deps.execArgv] } : {}),
    serialization: 'advanced',
  });
  const live = new Map<number, { worker: Worker; info: WorkerInfo; ready: boolean }>();
  const budgets: RestartBudget[] = Array.from({ length: deps.count }, () => createRestartBudget(deps.restart ?? { max: 5, windowMs: 60_000 }));
  const firstReady = new Set<number>();
  let restarts = 0;
  let stopping = false;
  let settleStarted: { resolve(): void; reject(error: Error): void };
  const started = new Promise<void>((resolve, reject) => (settleStarted = { resolve, reject }));
  // A caller that never awaits `started` (e.g. it gave up on another error) must not crash the primary.
  started.catch(() => {});

  const fork = (slot: number) => {
    const worker = cluster.fork({ ...deps.env, FICUS_WORKER_SLOT: String(slot) });
    const info: WorkerInfo = { slot, pid: worker.process.pid ?? -1, id: worker.id };
    const entry = { worker, info, ready: false };
    live.set(worker.id, entry);
    for (const message of deps.welcome(slot)) worker.send(message);
    worker.on('message', (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      if (message.type === 'ficus:ready' && !entry.ready) {
        entry.ready = true;
        deps.onEvent({ type: 'worker-ready', worker: info });
        firstReady.add(slot);
        if (firstReady.size === deps.count) settleStarted.resolve();
      }
      deps.onMessage(message, info);
    });
    // An IPC write to a worker that just died fails asynchronously; its exit is handled below.
    worker.on('error', () => {});
    worker.on('exit', (code, signal) => {
      live.delete(worker.id);
      if (stopping) return;
      const verdict = budgets[slot]!.onExit(deps.now());
      deps.onEvent({ type: 'worker-exited', worker: info, code, signal, restarting: verdict.restart });
      if (verdict.restart) {
        restarts++;
        fork(slot);
        return;
      }
      deps.onEvent({ type: 'slot-abandoned', slot, restartsInWindow: verdict.restartsInWindow });
      if (!firstReady.has(slot)) settleStarted.reject(new Error(`proxy worker ${slot} could not start (exited ${restartsOf(verdict)} times in a row)`));
    });
  };

  for (let slot = 0; slot < deps.count; slot++) fork(slot);

  const send = (worker: Worker, message: PrimaryMessage) => {
    if (worker.isConnected()) worker.send(message);
  };

  return {
    started,
    broadcast(message, except) {
      for (const { worker } of live.values()) if (worker.id !== except) send(worker, message);
    },
    workers: () => [...live.values()].map((e) => e.info),
    serving: () => [...live.values()].filter((e) => e.ready).length,
    servingWorkers: () => [...live.values()].filter((e) => e.ready).map((e) => e.info),
    restarts: () => restarts,
    async drain(deadlineMs) {
      stopping = true;
      const exits = [...live.values()].map(({ worker }) => new Promise<void>((resolve) => {
        if (worker.isDead()) return resolve();
        worker.once('exit', () => resolve());
        send(worker, { type: 'ficus:drain' });
      }));
      const timer = setTimeout(() => {
        for (const { worker } of live.values()) worker.process.kill('SIGKILL');
      }, deadlineMs);
      await Promise.all(exits);
      clearTimeout(timer);
    },
  };
}

function restartsOf(verdict: { restartsInWindow: number }): number {
  return verdict.restartsInWindow + 1;
}
