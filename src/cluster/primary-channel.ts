// A proxy worker's end of the IPC channel to its primary. Sends never throw: a worker whose
// primary is gone is about to drain anyway (onLost), and evidence it could not send is lost with
// the process, as it would be in a single process that died.
import { isPrimaryMessage, type PrimaryMessage, type WorkerMessage } from './cluster-messages.ts';

export interface PrimaryChannel {
  send(message: WorkerMessage): void;
  onMessage(listener: (message: PrimaryMessage) => void): void;
  /** The primary died or closed the channel: drain and exit, nobody will re-fork or stop us. */
  onLost(listener: () => void): void;
  /** Messages dropped because too many were waiting for the primary, by message type. */
  dropped(): Readonly<Record<string, number>>;
  /** Resolves once every message sent so far has been handed to the channel. */
  flushed(): Promise<void>;
}

/**
 * Messages that may be thrown away (and counted) while the primary is behind: evidence batches and
 * metric snapshots (cumulative, the next one replaces it). Control messages — ready, breaker
 * transitions, flag acknowledgements, audit entries, drained — always go.
 */
const DROPPABLE: ReadonlySet<WorkerMessage['type']> = new Set(['ficus:differences', 'ficus:rollups', 'ficus:map-traffic', 'ficus:metrics']);

/** Messages handed to the channel and not yet written to the pipe, past which evidence is dropped. */
export const DEFAULT_MAX_PENDING_MESSAGES = 1_000;

export function connectToPrimary(proc: NodeJS.Process = process, options: { maxPending?: number } = {}): PrimaryChannel {
  if (!proc.send) throw new Error('connectToPrimary: this process has no IPC channel (not a cluster worker)');
  const maxPending = options.maxPending ?? DEFAULT_MAX_PENDING_MESSAGES;
  let last: Promise<void> = Promise.resolve();
  // process.send queues without limit while the primary does not read: bound it by the count of
  // messages not yet written (their callbacks have not run), dropping the least important first.
  let pending = 0;
  const dropped = new Map<string, number>();
  return {
    send(message) {
      if (!proc.connected) return;
      if (pending >= maxPending && DROPPABLE.has(message.type)) {
        dropped.set(message.type, (dropped.get(message.type) ?? 0) + 1);
        return;
      }
      pending++;
      last = new Promise<void>((resolve) => {
        const done = () => {
          pending--;
          resolve();
        };
        try {
          proc.send!(message, undefined, {}, done);
        } catch {
          done();
        }
      });
    },
    dropped: () => Object.fromEntries(dropped),
    onMessage(listener) {
      proc.on('message', (message: unknown) => {
        if (isPrimaryMessage(message)) listener(message);
      });
    },
    onLost(listener) {
      proc.once('disconnect', listener);
    },
    flushed: () => last,
  };
}
