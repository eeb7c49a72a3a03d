// The flags every plane reads: the source (flags/ files, or an Unleash server in server mode), the
// writer the control plane flips them with, and the kill switch (env or flag). The proxy plane only
// ever sees `flags` and `killSwitch` as ports, so a worker process can be handed a relayed source.
import type { Logger } from 'pino';
import type { Auditor } from '../admin/auditor.ts';
import { describeError } from '../config/describe-error.ts';
import type { Settings } from '../config/settings.ts';
import { createFlagWriterFor, type ControlPlaneFlagWriter } from '../decision/create-flag-writer.ts';
import { createFileFlagSource } from '../decision/file-flag-source.ts';
import { isKillSwitchFlagOn, type FlagSource } from '../decision/flag-source.ts';
import { createUnleashServerSource } from '../decision/unleash-server-source.ts';

export interface FlagPlane {
  readonly flags: FlagSource;
  readonly writer: ControlPlaneFlagWriter;
  killSwitch(): boolean;
  /** Seconds since the flags were last loaded or fetched (staleness on /readyz and /metrics). */
  ageSeconds(): number | undefined;
}

export interface FlagPlaneDeps {
  readonly settings: Pick<Settings, 'unleash' | 'dataDir' | 'flagsDir' | 'killSwitch'>;
  readonly log: Logger;
  readonly now: () => Date;
  readonly auditor: Pick<Auditor, 'record'>;
  readonly unleashRefreshIntervalMs?: number;
}

export async function openFlagPlane(deps: FlagPlaneDeps): Promise<FlagPlane> {
  const { settings, log, now } = deps;
  const flags: FlagSource = settings.unleash
    ? await createUnleashServerSource({
        url: settings.unleash.url,
        apiToken: settings.unleash.apiToken,
        dataDir: settings.dataDir,
        flagsDirFallback: settings.flagsDir,
        refreshIntervalMs: deps.unleashRefreshIntervalMs ?? settings.unleash.refreshIntervalMs ?? 15_000,
        now,
        onError: (error) => log.error({ event: 'unleash-fetch-failed', error: describeError(error) }, 'Unleash unreachable or refusing; serving the last known flags'),
      })
    : await createFileFlagSource({
        dir: settings.flagsDir,
        onReloadError: (error) => log.error({ event: 'flags-reload-failed', error: describeError(error) }, 'flag files invalid; keeping the last good flags'),
      });
  const writer = createFlagWriterFor(settings, flags);
  // Writes through the admin API are audited in full there, not again as observed.
  flags.onChange((change) => {
    log.info({ event: 'flags-changed', revision: change.revision, flags: change.changed }, 'flags reloaded');
    if (!writer.producedRevision(change.revision) && !writer.ownsChange?.(change.changed)) deps.auditor.record({ actor: 'ficus', action: 'flag-change-observed', details: { revision: change.revision, flags: change.changed, origin: change.origin }, source: change.origin === 'file' ? 'flags/' : 'unleash' });
  });
  return {
    flags,
    writer,
    killSwitch: () => settings.killSwitch || isKillSwitchFlagOn(flags),
    ageSeconds: () => {
      const at = flags.lastRefreshedAt();
      return at ? (now().getTime() - at.getTime()) / 1000 : undefined;
    },
  };
}
