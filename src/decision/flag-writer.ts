// How the control plane changes a route's mode: embedded mode rewrites the flag file atomically
// (file-flag-writer.ts), server mode goes through the Unleash Admin API (unleash-flag-writer.ts).
// Both produce the canonical flag shape (flag-shape.ts) and return what changed, for the audit log.
import type { Mode } from '../shared/words.ts';
import type { FlagState } from './flag-shape.ts';

export interface FlagWriteResult {
  readonly flag: string;
  readonly before: FlagState;
  readonly after: FlagState;
  /** Where the change was written: a file path relative to flags/, or the Unleash project/environment. */
  readonly target: string;
  /** Under `--workers`: whether every proxy worker had the change in force when the write answered. */
  readonly workers?: WorkersInForce;
}

/**
 * A flag write under `--workers` answers once every serving proxy worker acknowledged it, or after a
 * bounded wait; then `inForce` is false and `notAcknowledged` names the slots that may still decide
 * requests on the old flags for a moment.
 */
export interface WorkersInForce {
  readonly inForce: boolean;
  readonly workers: number;
  readonly acknowledged: number;
  readonly notAcknowledged: readonly number[];
}

export interface FlagWriter {
  setMode(flag: string, mode: Mode, percent: number): Promise<FlagWriteResult>;
  setKillSwitch(on: boolean): Promise<{ readonly before: boolean; readonly after: boolean; readonly workers?: WorkersInForce }>;
}
