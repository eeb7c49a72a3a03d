// A FlagSource is what the decision needs from the flag system: is it ready, which variant does
// this (hashed) key get for this flag, what does each flag say, and which revision is in force.
// Two implementations: embedded (flags/ files, this folder) and an Unleash server (unleash-server-source.ts).
import { EventEmitter } from 'node:events';
import { Unleash, type Context } from 'unleash-client';
import type { RepositoryInterface } from 'unleash-client/lib/repository/index.js';
import type { FeatureInterface } from 'unleash-client/lib/feature.js';
import { KILL_SWITCH_FLAG, STICKINESS_FIELD } from './flag-shape.ts';

export interface FlagChange {
  readonly revision: string;
  /** Flags whose definition differs from the previous revision (added, removed or edited). */
  readonly changed: readonly string[];
  readonly origin: 'file' | 'server';
}

export interface FlagSource {
  isReady(): boolean;
  revision(): string;
  /** Variant name for the flag, or undefined when the flag is missing or disabled. */
  variantFor(flag: string, stickyHash: string | undefined): string | undefined;
  definition(flag: string): FeatureInterface | undefined;
  features(): readonly FeatureInterface[];
  /** Time of the last successful load or fetch (for staleness on /readyz and /metrics). */
  lastRefreshedAt(): Date | undefined;
  onChange(listener: (change: FlagChange) => void): void;
  close(): Promise<void>;
}

/**
 * Wraps unleash-client around a repository we control, so evaluation is the SDK's own (strategies,
 * constraints, segments, variant hashing) while loading is ours. No server is polled and no
 * metrics are sent: the URL below is never contacted because the repository is ours and metrics are off.
 */
export function createSdkEvaluator(repository: RepositoryInterface): { unleash: Unleash; variantFor: FlagSource['variantFor'] } {
  const unleash = new Unleash({
    appName: 'ficus',
    url: 'http://embedded.ficus.invalid/api/',
    repository,
    disableMetrics: true,
    skipInstanceCountWarning: true,
    refreshInterval: 0,
  });
  // The SDK re-emits repository errors; without a listener an EventEmitter 'error' would crash the proxy.
  unleash.on('error', () => {});
  unleash.on('warn', () => {});
  const noKey: Context = { properties: {} };
  const variantFor = (flag: string, stickyHash: string | undefined): string | undefined => {
    const context: Context = stickyHash === undefined ? noKey : { properties: { [STICKINESS_FIELD]: stickyHash } };
    const variant = unleash.getVariant(flag, context);
    return variant.feature_enabled && variant.enabled ? variant.name : variant.feature_enabled ? 'legacy' : undefined;
  };
  return { unleash, variantFor };
}

/** Names of flags whose definitions differ between two feature lists. */
export function changedFlags(before: readonly FeatureInterface[], after: readonly FeatureInterface[]): string[] {
  const old = new Map(before.map((f) => [f.name, JSON.stringify(f)]));
  const changed = new Set<string>();
  for (const feature of after) {
    if (old.get(feature.name) !== JSON.stringify(feature)) changed.add(feature.name);
    old.delete(feature.name);
  }
  for (const name of old.keys()) changed.add(name);
  return [...changed].sort();
}

/** Minimal in-memory repository the SDK reads from; the loaders push feature lists into it. */
export class FeatureRepository extends EventEmitter implements RepositoryInterface {
  #features = new Map<string, FeatureInterface>();
  #ready = false;

  replace(features: readonly FeatureInterface[]): void {
    this.#features = new Map(features.map((f) => [f.name, f]));
    if (!this.#ready) {
      this.#ready = true;
      this.emit('ready');
    }
    this.emit('changed', features);
  }

  isReady(): boolean {
    return this.#ready;
  }

  getToggle(name: string): FeatureInterface | undefined {
    return this.#features.get(name);
  }

  getToggles(): FeatureInterface[] {
    return [...this.#features.values()];
  }

  getTogglesWithSegmentData() {
    return this.getToggles() as ReturnType<RepositoryInterface['getTogglesWithSegmentData']>;
  }

  getSegment(): undefined {
    return undefined;
  }

  async start(): Promise<void> {}

  stop(): void {}
}

export function isKillSwitchFlagOn(source: Pick<FlagSource, 'definition'>): boolean {
  return source.definition(KILL_SWITCH_FLAG)?.enabled === true;
}
