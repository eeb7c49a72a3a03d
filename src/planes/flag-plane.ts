// The flags every plane reads: the source (flags/ files, or an Unleash server in server mode), the
// writer the control plane flips them with, and the kill switch (env or flag). The proxy plane only
// ever sees `flags` and `killSwitch` as ports, so a worker process can be handed a relayed source.
import { describeError } from '../config/describe-error.ts';
import type { Settings } from '../config/settings.ts';
import { createFlagWriterFor, type ControlPlaneFlagWriter } from '../decision/create-flag-writer.ts';
import { createFileFlagSource } from '../decision/file-flag-source.ts';
import { isKillSwitchFlagOn, type FlagSource } from '../decision/flag-source.ts';
import { createUnleashServerSource } from '../decision/unleash-server-source.ts';
import type { EmitEvent } from './events.ts';

export interface FlagPlane {
  readonly flags: FlagSource;
  readonly writer: ControlPlaneFlagWriter;
  killSwitch(): boolean;
  /** Seconds since the flags were last loaded or fetched (staleness on /readyz and /metrics). */
  ageSeconds(): number | undefined;
}

export interface FlagPlaneDeps {
  readonly settings: Pick<Settings, 'unleash' | 'dataDir' | 'flagsDir' | 'killSwitch'>;
  readonly emit: EmitEvent;
  readonly now: () => Date;
  readonly unleashRefreshIntervalMs?: number;
}

export async function openFlagPlane(deps: FlagPlaneDeps): Promise<FlagPlane> {
  const { settings, emit, now } = deps;
  const flags: FlagSource = settings.unleash
    ? await createUnleashServerSource({
        url: settings.unleash.url,
        apiToken: settings.unleash.apiToken,
        dataDir: settings.dataDir,
        flagsDirFallback: settings.flagsDir,
        refreshIntervalMs: deps.unleashRefreshIntervalMs ?? settings.unleash.refreshIntervalMs ?? 15_000,
        now,
        onError: (error) => emit({ type: 'unleash-fetch-failed', error: describeError(error) }),
      })
    : await createFileFlagSource({
        dir: settings.flagsDir,
        onReloadError: (error) => emit({ type: 'flags-reload-failed', error: describeError(error) }),
      });
  const writer = createFlagWriterFor(settings, flags);
  flags.onChange((change) => {
    const ownWrite = writer.producedRevision(change.revision) || writer.ownsChange?.(change.changed) === true;
    emit({ type: 'flags-changed', revision: change.revision, flags: change.changed, origin: change.origin, ownWrite });
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
