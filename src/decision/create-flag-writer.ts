// Picks the FlagWriter for the way Ficus runs: embedded mode rewrites flags/ (file-flag-writer.ts),
// server mode writes through the Unleash Admin API (unleash-flag-writer.ts). The control plane
// only sees a FlagWriter, so the admin API and CLI behave the same in both modes.
import type { Settings } from '../config/settings.ts';
import { createFileFlagWriter } from './file-flag-writer.ts';
import type { FileFlagSource } from './file-flag-source.ts';
import { describeFlag, KILL_SWITCH_FLAG } from './flag-shape.ts';
import { isKillSwitchFlagOn, type FlagSource } from './flag-source.ts';
import type { FlagWriter } from './flag-writer.ts';
import { createUnleashFlagWriter } from './unleash-flag-writer.ts';

export interface ControlPlaneFlagWriter extends FlagWriter {
  /** True for a flag revision this writer produced (its reload needs no separate 'flag-change-observed'). */
  producedRevision(revision: string): boolean;
  /**
   * Server mode: true when every changed flag is one this replica is writing right now (the poll
   * that brings its own write in is not someone else's flip). Revisions cannot tell: the server's
   * state is not a file this writer produced.
   */
  ownsChange?(flags: readonly string[]): boolean;
}

export class FlagWriterUnavailableError extends Error {
  readonly code = 'FLAG_WRITER_UNAVAILABLE';
  constructor(message: string) {
    super(message);
    this.name = 'FlagWriterUnavailableError';
  }
}

export interface FlagWriterOptions {
  /** Server mode: how long a write waits for this replica's next poll to bring the change in force. */
  readonly observeTimeoutMs?: number;
}

export function createFlagWriterFor(settings: Pick<Settings, 'unleash' | 'flagsDir'>, flags: FlagSource, options: FlagWriterOptions = {}): ControlPlaneFlagWriter {
  if (!settings.unleash) return createFileFlagWriter({ dir: settings.flagsDir, flags: flags as FileFlagSource });
  const { url, adminToken, project, environment } = settings.unleash;
  if (!adminToken) {
    // Reads keep working with only the client token; writes say what is missing instead of failing obscurely.
    const refuse = () => Promise.reject(new FlagWriterUnavailableError('server mode without UNLEASH_ADMIN_TOKEN: flip flags in the Unleash UI, or set an admin token / personal access token'));
    return { producedRevision: () => false, setMode: refuse, setKillSwitch: refuse };
  }
  return observedBy(flags, createUnleashFlagWriter({ url, adminToken, project, environment }), options.observeTimeoutMs ?? 20_000);
}

/**
 * The admin API answers once a change is in force; in server mode that is when this replica's
 * poll has brought it in (other replicas follow within one refresh interval). A write Unleash
 * accepted but not yet observed still resolves after the timeout: it is written, just not here yet.
 */
function observedBy(flags: FlagSource, writer: ControlPlaneFlagWriter, timeoutMs: number): ControlPlaneFlagWriter {
  const until = async (inForce: () => boolean) => {
    const deadline = Date.now() + timeoutMs;
    while (!inForce() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  };
  const writing = new Map<string, number>();
  const whileWriting = async <T>(flag: string, work: () => Promise<T>): Promise<T> => {
    writing.set(flag, (writing.get(flag) ?? 0) + 1);
    try {
      return await work();
    } finally {
      const left = (writing.get(flag) ?? 1) - 1;
      if (left > 0) writing.set(flag, left);
      else writing.delete(flag);
    }
  };
  return {
    producedRevision: (revision) => writer.producedRevision(revision),
    ownsChange: (changed) => changed.length > 0 && changed.every((flag) => writing.has(flag)),
    setMode: (flag, mode, percent) =>
      whileWriting(flag, async () => {
        const result = await writer.setMode(flag, mode, percent);
        await until(() => {
          const now = describeFlag(flags.definition(flag));
          return now.mode === result.after.mode && now.percent === result.after.percent;
        });
        return result;
      }),
    setKillSwitch: (on) =>
      whileWriting(KILL_SWITCH_FLAG, async () => {
        const result = await writer.setKillSwitch(on);
        await until(() => isKillSwitchFlagOn(flags) === on);
        return result;
      }),
  };
}
