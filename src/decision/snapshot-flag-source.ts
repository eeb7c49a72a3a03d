// The flag source of a proxy worker (`--workers N`): it loads nothing itself. The primary's own
// source (flags/ files or the Unleash server) is the one truth; each change it sees is sent to every
// worker as a snapshot, evaluated here with the same SDK. So a flip, a percent change or the kill
// switch set through the admin API reaches every worker with one IPC message — no worker can keep
// a flag file's older revision because its watcher fired late.
import type { FeatureInterface } from 'unleash-client/lib/feature.js';
import { changedFlags, createSdkEvaluator, FeatureRepository, type FlagChange, type FlagSource } from './flag-source.ts';

/** The flags in force, as the primary's flag source holds them. */
export interface FlagsSnapshot {
  readonly revision: string;
  readonly features: readonly FeatureInterface[];
  /** Epoch ms of the primary's last successful load or fetch. */
  readonly refreshedAtMs: number | undefined;
}

export interface SnapshotFlagSource extends FlagSource {
  apply(snapshot: FlagsSnapshot): void;
}

export function snapshotOf(source: FlagSource): FlagsSnapshot {
  return { revision: source.revision(), features: source.features(), refreshedAtMs: source.lastRefreshedAt()?.getTime() };
}

export function createSnapshotFlagSource(): SnapshotFlagSource {
  const repository = new FeatureRepository();
  const { unleash, variantFor } = createSdkEvaluator(repository);
  const listeners: ((change: FlagChange) => void)[] = [];
  let current: FlagsSnapshot = { revision: '', features: [], refreshedAtMs: undefined };
  return {
    // Not ready until the first snapshot: decide() then serves legacy, as with any source not ready.
    isReady: () => repository.isReady(),
    revision: () => current.revision,
    variantFor,
    definition: (flag) => repository.getToggle(flag),
    features: () => current.features,
    lastRefreshedAt: () => (current.refreshedAtMs === undefined ? undefined : new Date(current.refreshedAtMs)),
    onChange: (listener) => void listeners.push(listener),
    apply(snapshot) {
      const changed = changedFlags(current.features, snapshot.features);
      const first = !repository.isReady();
      current = snapshot;
      repository.replace(snapshot.features);
      if (first || changed.length === 0) return;
      for (const listener of listeners) listener({ revision: snapshot.revision, changed, origin: 'file' });
    },
    close: async () => unleash.destroy(),
  };
}
