// A proxy worker's end of the IPC channel to its primary. Sends never throw: a worker whose
// primary is gone is about to drain anyway (onLost), and evidence it could not send is lost with
// the process, as it would be in a single process that died.
import { isPrimaryMessage, type PrimaryMessage, type WorkerMessage } from './cluster-messages.ts';

export interface PrimaryChannel {
  send(message: WorkerMessage): void;
  onMessage(listener: (message: PrimaryMessage) => void): void;
  /** The primary died or closed the channel: drain and exit, nobody will re-fork or stop us. */
  onLost(listener: () => void): void;
  /** Resolves once every message sent so far has been handed to the channel. */
  flushed(): Promise<void>;
}

export function connectToPrimary(proc: NodeJS.Process = process): PrimaryChannel {
  if (!proc.send) throw new Error('connectToPrimary: this process has no IPC channel (not a cluster worker)');
  let last: Promise<void> = Promise.resolve();
  return {
    send(message) {
      if (!proc.connected) return;
      last = new Promise<void>((resolve) => {
        try {
          proc.send!(message, undefined, {}, () => resolve());
        } catch {
          resolve();
        }
      });
    },
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
