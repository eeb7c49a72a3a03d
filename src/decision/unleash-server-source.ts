// Server mode: flags come from an Unleash server through unleash-client's own polling repository.
// The state Ficus starts from is chosen here, not by the SDK, because the SDK races its backup
// against its bootstrap (both load in parallel, the first one to arrive wins, and a bootstrap
// overwrites the backup): the last state fetched from the server, backed up in the data dir, wins;
// flags/ is the bootstrap only when no backup exists, so a stale flags/ can never undo a kill
// switch flipped in Unleash. Only states fetched from the server are backed up.
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Unleash, type Context } from 'unleash-client';
import type { ClientFeaturesResponse, FeatureInterface } from 'unleash-client/lib/feature.js';
import type { BootstrapProvider } from 'unleash-client/lib/repository/bootstrap-provider.js';
import type { StorageProvider } from 'unleash-client/lib/repository/storage-provider.js';
import { writeFileAtomically } from '../config/write-file-atomically.ts';
import { readFlagFiles } from './flag-files.ts';
import { STICKINESS_FIELD } from './flag-shape.ts';
import { changedFlags, type FlagChange, type FlagSource } from './flag-source.ts';

export const BACKUP_FILE = 'unleash-backup.json';

export interface UnleashServerSourceOptions {
  /** Unleash API base, e.g. https://unleash.example/api */
  readonly url: string;
  /** Backend (client) token: reads client features, sends counts. */
  readonly apiToken: string;
  /** Where unleash-backup.json lives (Ficus's data dir, never the system temp dir). */
  readonly dataDir: string;
  /** flags/ folder used as the bootstrap when no backup exists yet. */
  readonly flagsDirFallback?: string;
  readonly refreshIntervalMs: number;
  /** How long start waits for the first state (backup, bootstrap or server) before returning unready. */
  readonly readyTimeoutMs?: number;
  readonly appName?: string;
  readonly instanceId?: string;
  /** Counts per flag and variant (no context) go to the server unless disabled. */
  readonly disableMetrics?: boolean;
  readonly now: () => Date;
  /** First error of each failure streak (fetch, backup write, bootstrap). */
  readonly onError: (error: unknown) => void;
}

export interface UnleashServerSource extends FlagSource {
  /** Where the state in force came from at start: backup, flags/, or nothing (server only). */
  readonly startedFrom: 'backup' | 'flags' | 'none';
}

interface Backup extends ClientFeaturesResponse {
  /** When the server returned this state (ISO time): staleness survives a restart. */
  readonly fetchedAt?: string;
}

export async function createUnleashServerSource(options: UnleashServerSourceOptions): Promise<UnleashServerSource> {
  const { now, onError } = options;
  const backupPath = join(options.dataDir, BACKUP_FILE);
  await mkdir(options.dataDir, { recursive: true });
  const initial = await chooseInitialState(backupPath, options.flagsDirFallback, onError);

  const listeners: ((change: FlagChange) => void)[] = [];
  let current: readonly FeatureInterface[] = initial.features;
  let revision = revisionOf(current);
  let refreshedAt = initial.fetchedAt;
  let bootstrapPending = initial.features.length > 0;
  let failing = false;
  let ready = false;
  let lastSaveWasBootstrap = false;
  const reportOnce = (error: unknown) => {
    if (!failing) onError(error);
    failing = true;
  };

  const bootstrapProvider: BootstrapProvider = {
    readBootstrap: async () => (initial.features.length > 0 ? { version: 2, features: [...initial.features], segments: initial.segments } : undefined),
  };
  // get() returns nothing: the initial state is already chosen above and handed over as the bootstrap.
  const storageProvider: StorageProvider<ClientFeaturesResponse> = {
    get: async () => undefined,
    set: async (_key, data) => {
      if (lastSaveWasBootstrap) return;
      await writeBackup(backupPath, { ...data, fetchedAt: (refreshedAt ?? now()).toISOString() }).catch(reportOnce);
    },
  };

  const unleash = new Unleash({
    appName: options.appName ?? 'ficus',
    instanceId: options.instanceId,
    url: options.url,
    customHeaders: { Authorization: options.apiToken },
    refreshInterval: options.refreshIntervalMs,
    disableMetrics: options.disableMetrics ?? false,
    bootstrap: { bootstrapProvider },
    storageProvider,
    skipInstanceCountWarning: true,
  });

  const fetched = () => {
    refreshedAt = now();
    failing = false;
  };
  unleash.on('error', reportOnce);
  unleash.on('warn', (message: unknown) => {
    // Non-2xx responses (404, 429, 5xx) arrive as warnings; they are failed fetches all the same.
    if (typeof message === 'string' && /responded/.test(message)) reportOnce(new Error(message));
  });
  unleash.on('unchanged', fetched);
  unleash.on('changed', (features: FeatureInterface[]) => {
    lastSaveWasBootstrap = bootstrapPending;
    if (bootstrapPending) bootstrapPending = false;
    else fetched();
    // Compared on what evaluation uses: the server adds fields (stale, impressionData, empty
    // variants) that flags/ leaves out, and those must not read as a flip.
    const changed = changedFlags(current.map(evaluated), features.map(evaluated));
    current = features;
    if (changed.length === 0) return;
    revision = revisionOf(features);
    for (const listener of listeners) listener({ revision, changed, origin: 'server' });
  });
  const readyOnce = new Promise<void>((resolve) => unleash.once('ready', () => resolve()));
  void readyOnce.then(() => (ready = true));
  await Promise.race([readyOnce, new Promise((resolve) => setTimeout(resolve, options.readyTimeoutMs ?? 10_000).unref())]);

  const noKey: Context = { properties: {} };
  return {
    startedFrom: initial.from,
    isReady: () => ready,
    revision: () => revision,
    variantFor: (flag, stickyHash) => {
      // Only the hashed key ever enters the context (and metrics carry counts, never contexts).
      const context: Context = stickyHash === undefined ? noKey : { properties: { [STICKINESS_FIELD]: stickyHash } };
      const variant = unleash.getVariant(flag, context);
      return variant.feature_enabled && variant.enabled ? variant.name : variant.feature_enabled ? 'legacy' : undefined;
    },
    definition: (flag) => unleash.getFeatureToggleDefinition(flag),
    features: () => current,
    lastRefreshedAt: () => refreshedAt,
    onChange: (listener) => void listeners.push(listener),
    close: async () => {
      unleash.destroy();
    },
  };
}

interface InitialState {
  readonly from: 'backup' | 'flags' | 'none';
  readonly features: readonly FeatureInterface[];
  readonly segments?: ClientFeaturesResponse['segments'];
  readonly fetchedAt?: Date;
}

async function chooseInitialState(backupPath: string, flagsDir: string | undefined, onError: (error: unknown) => void): Promise<InitialState> {
  const backup = await readBackup(backupPath).catch((error: unknown) => {
    onError(error);
    return undefined;
  });
  if (backup) {
    const fetchedAt = backup.fetchedAt ? new Date(backup.fetchedAt) : undefined;
    return { from: 'backup', features: backup.features, segments: backup.segments, fetchedAt: fetchedAt && !Number.isNaN(fetchedAt.getTime()) ? fetchedAt : undefined };
  }
  if (flagsDir) {
    try {
      const set = await readFlagFiles(flagsDir);
      if (set.features.length > 0) return { from: 'flags', features: set.features };
    } catch (error) {
      onError(error);
    }
  }
  return { from: 'none', features: [] };
}

/** The backup, or undefined when there is none; a corrupt backup is an error (reported, then ignored). */
export async function readBackup(path: string): Promise<Backup | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Backup;
  if (!parsed || !Array.isArray(parsed.features)) throw Object.assign(new Error(`${path}: not an Unleash backup (no features array)`), { code: 'UNLEASH_BACKUP_INVALID' });
  return parsed.features.length > 0 ? parsed : undefined;
}

/** Temp file in the same folder, fsync, rename: a crash leaves the old backup or the new one. */
async function writeBackup(path: string, data: Backup): Promise<void> {
  await writeFileAtomically(path, JSON.stringify(data), 0o600);
}

/** The parts of a flag that decide a request (the rest is presentation). */
function evaluated(feature: FeatureInterface): FeatureInterface {
  const strategies = (feature.strategies ?? []).map((s) => ({
    name: s.name,
    parameters: s.parameters ?? {},
    constraints: s.constraints ?? [],
    segments: s.segments ?? [],
    variants: (s.variants ?? []).map((v) => ({ ...v })),
  }));
  return { name: feature.name, enabled: feature.enabled, strategies, variants: feature.variants ?? [], dependencies: feature.dependencies ?? [] } as unknown as FeatureInterface;
}

function revisionOf(features: readonly FeatureInterface[]): string {
  const sorted = features.map(evaluated).sort((a, b) => a.name.localeCompare(b.name));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 12);
}
