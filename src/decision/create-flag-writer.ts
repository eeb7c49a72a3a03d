// Picks the FlagWriter for the way Ficus runs: embedded mode rewrites flags/ (file-flag-writer.ts),
// server mode writes through the Unleash Admin API (unleash-flag-writer.ts). The control plane
// only sees a FlagWriter, so the admin API and CLI behave the same in both modes.
import type { Settings } from '../config/settings.ts';
import { createFileFlagWriter } from './file-flag-writer.ts';
import type { FileFlagSource } from './file-flag-source.ts';
import type { FlagSource } from './flag-source.ts';
import type { FlagWriter } from './flag-writer.ts';
import { createUnleashFlagWriter } from './unleash-flag-writer.ts';

export interface ControlPlaneFlagWriter extends FlagWriter {
  /** True for a flag revision this writer produced (its reload needs no separate 'flag-change-observed'). */
  producedRevision(revision: string): boolean;
}

export class FlagWriterUnavailableError extends Error {
  readonly code = 'FLAG_WRITER_UNAVAILABLE';
  constructor(message: string) {
    super(message);
    this.name = 'FlagWriterUnavailableError';
  }
}

export function createFlagWriterFor(settings: Pick<Settings, 'unleash' | 'flagsDir'>, flags: FlagSource): ControlPlaneFlagWriter {
  if (!settings.unleash) return createFileFlagWriter({ dir: settings.flagsDir, flags: flags as FileFlagSource });
  const { url, adminToken } = settings.unleash;
  if (!adminToken) {
    // Reads keep working with only the client token; writes say what is missing instead of failing obscurely.
    const refuse = () => Promise.reject(new FlagWriterUnavailableError('server mode without UNLEASH_ADMIN_TOKEN: flip flags in the Unleash UI, or set an admin token / personal access token'));
    return { producedRevision: () => false, setMode: refuse, setKillSwitch: refuse };
  }
  return createUnleashFlagWriter({ url, adminToken });
}
