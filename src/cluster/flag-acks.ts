// Which flag snapshot each proxy worker has applied. The primary numbers every snapshot it sends
// down (`seq`); a worker acknowledges a number once that snapshot is in force in it (the next
// request it reads is decided on it). A flag write through the admin API or the CLI waits here
// until every serving worker has acknowledged the write's snapshot, so "the API answered" means
// "in force everywhere" — the kill switch included — even on keep-alive connections already open.
// The wait is bounded: a stuck worker must not stall an emergency stop; the answer then says which
// workers had not acknowledged (they are not "in force") and the primary logs and counts it.
import type { WorkerInfo } from './supervise-workers.ts';

/** What a flag write reports about the workers when it answers. */
export interface AckReport {
  /** Every worker serving when the write answered had applied it. */
  readonly inForce: boolean;
  readonly workers: number;
  readonly acknowledged: number;
  /** Slots of the workers that had not acknowledged by the deadline. */
  readonly notAcknowledged: readonly number[];
}

export interface FlagAcks {
  /** Numbers the next snapshot sent down. */
  next(): number;
  /** The number of the last snapshot sent down (the one a newly forked worker is welcomed with). */
  current(): number;
  acknowledged(worker: number, seq: number): void;
  /** The worker exited: it serves nothing, so nobody waits for it. */
  forget(worker: number): void;
  /** Resolves once each of `workers` has acknowledged `seq` (or a later one), or at the deadline. */
  waitFor(seq: number, workers: readonly WorkerInfo[], timeoutMs: number): Promise<AckReport>;
}

interface Waiter {
  readonly seq: number;
  readonly workers: readonly WorkerInfo[];
  settle(): void;
}

export function createFlagAcks(): FlagAcks {
  let seq = 0;
  const applied = new Map<number, number>();
  const gone = new Set<number>();
  const waiters = new Set<Waiter>();
  const pending = (w: Waiter) => w.workers.filter((info) => !gone.has(info.id) && (applied.get(info.id) ?? -1) < w.seq);
  const recheck = () => {
    for (const w of waiters) if (pending(w).length === 0) w.settle();
  };
  return {
    next: () => ++seq,
    current: () => seq,
    acknowledged(worker, at) {
      if (at > (applied.get(worker) ?? -1)) applied.set(worker, at);
      recheck();
    },
    forget(worker) {
      applied.delete(worker);
      gone.add(worker);
      recheck();
    },
    waitFor(target, workers, timeoutMs) {
      return new Promise<AckReport>((resolve) => {
        const report = (): AckReport => {
          const late = pending(waiter);
          const counted = workers.filter((info) => !gone.has(info.id));
          return { inForce: late.length === 0, workers: counted.length, acknowledged: counted.length - late.length, notAcknowledged: late.map((info) => info.slot) };
        };
        const timer = setTimeout(() => waiter.settle(), timeoutMs);
        const waiter: Waiter = {
          seq: target, workers,
          settle() {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(report());
          },
        };
        waiters.add(waiter);
        recheck();
      });
    },
  };
}
