// Server-mode FlagWriter: a route's mode becomes the canonical flag shape (flag-shape.ts) in one
// Unleash project/environment through the Admin API. Each change is an Unleash event, so the
// Unleash UI's event log shows the flip next to Ficus's own audit entry.
// Order matters because replicas poll while we write: the new strategies are appended before the
// old ones are removed (strategies are evaluated in order, so a poll in between sees the old mode
// or the legacy side of a canary), the environment is disabled before a move to legacy and enabled
// after the strategies are in place otherwise.
import type { FeatureInterface } from 'unleash-client/lib/feature.js';
import type { Mode } from '../shared/words.ts';
import { describeFlag, flagForMode, KILL_SWITCH_FLAG } from './flag-shape.ts';
import type { FlagWriter, FlagWriteResult } from './flag-writer.ts';
import { createUnleashAdminClient, type AdminFeature, type AdminStrategy, type UnleashAdminClient } from './unleash-admin-client.ts';

export interface UnleashFlagWriterOptions {
  readonly url: string;
  /** Admin API token or personal access token (create/update features, context fields). */
  readonly adminToken: string;
  readonly project?: string;
  readonly environment?: string;
  readonly timeoutMs?: number;
}

export interface UnleashFlagWriter extends FlagWriter {
  /** Always false: observed server changes are audited as observations next to the control plane's entry. */
  producedRevision(revision: string): boolean;
}

export function createUnleashFlagWriter(options: UnleashFlagWriterOptions): UnleashFlagWriter {
  const project = options.project ?? 'default';
  const environment = options.environment ?? 'development';
  const admin = createUnleashAdminClient({ url: options.url, token: options.adminToken, timeoutMs: options.timeoutMs });
  const featurePath = (flag: string) => `/api/admin/projects/${encodeURIComponent(project)}/features/${encodeURIComponent(flag)}`;
  const envPath = (flag: string) => `${featurePath(flag)}/environments/${encodeURIComponent(environment)}`;
  let stickinessDeclared = false;
  let queue: Promise<unknown> = Promise.resolve();
  const serialise = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => {});
    return run;
  };

  const loadOrCreate = async (flag: string, type: string): Promise<AdminFeatureEnvironmentView> => {
    let found = await admin.request<AdminFeature>('GET', featurePath(flag), undefined, [404]);
    if (found.status === 404) {
      await admin.request('POST', `/api/admin/projects/${encodeURIComponent(project)}/features`, { name: flag, type, description: type === 'kill-switch' ? 'Ficus kill switch: on = every route served by legacy.' : 'Ficus route flag (managed by Ficus: strategy variants carry the mode).' });
      found = await admin.request<AdminFeature>('GET', featurePath(flag));
    }
    const env = found.body?.environments.find((e) => e.name === environment);
    if (!env) throw new Error(`flag ${flag}: environment ${environment} is not enabled in project ${project}`);
    return { feature: found.body!, env };
  };

  const setEnabled = (flag: string, enabled: boolean) => admin.request('POST', `${envPath(flag)}/${enabled ? 'on' : 'off'}`);

  const replaceStrategies = async (flag: string, old: readonly AdminStrategy[], next: readonly AdminStrategy[]) => {
    for (const strategy of next) {
      await admin.request('POST', `${envPath(flag)}/strategies`, { name: strategy.name, parameters: strategy.parameters ?? {}, constraints: strategy.constraints ?? [], variants: strategy.variants ?? [], segments: [] });
    }
    for (const strategy of old) await admin.request('DELETE', `${envPath(flag)}/strategies/${encodeURIComponent(strategy.id!)}`);
  };

  return {
    producedRevision: () => false,
    setMode: (flag, mode: Mode, percent) =>
      serialise(async (): Promise<FlagWriteResult> => {
        if (!stickinessDeclared) {
          await admin.ensureStickinessField();
          stickinessDeclared = true;
        }
        const { env } = await loadOrCreate(flag, 'release');
        const before = describeFlag(asClientFeature(flag, env));
        const wanted = flagForMode(flag, mode, percent);
        const wantedStrategies = wanted.strategies as unknown as AdminStrategy[];
        const sameShape = shapeOf(env.strategies) === shapeOf(wantedStrategies);
        if (!wanted.enabled && env.enabled) await setEnabled(flag, false);
        if (!sameShape) await replaceStrategies(flag, env.strategies, wantedStrategies);
        if (wanted.enabled && !env.enabled) await setEnabled(flag, true);
        return { flag, before, after: describeFlag(wanted), target: `unleash:${project}/${environment}` };
      }),
    setKillSwitch: (on) =>
      serialise(async () => {
        const { env } = await loadOrCreate(KILL_SWITCH_FLAG, 'kill-switch');
        // An environment without strategies evaluates as off in the SDK: give it the plain default strategy.
        if (env.strategies.length === 0) await admin.request('POST', `${envPath(KILL_SWITCH_FLAG)}/strategies`, { name: 'default', parameters: {}, constraints: [], segments: [] });
        if (env.enabled !== on) await setEnabled(KILL_SWITCH_FLAG, on);
        return { before: env.enabled, after: on };
      }),
  };
}

interface AdminFeatureEnvironmentView {
  readonly feature: AdminFeature;
  readonly env: AdminFeature['environments'][number];
}

function asClientFeature(name: string, env: AdminFeature['environments'][number]): FeatureInterface {
  return { name, enabled: env.enabled, strategies: env.strategies as FeatureInterface['strategies'] } as FeatureInterface;
}

/** What makes two strategy lists equivalent for Ficus (ids, sort order and titles aside). */
function shapeOf(strategies: readonly AdminStrategy[]): string {
  return JSON.stringify(
    strategies.map((s) => ({
      name: s.name,
      parameters: Object.fromEntries(Object.entries(s.parameters ?? {}).sort(([a], [b]) => a.localeCompare(b))),
      constraints: s.constraints ?? [],
      variants: (s.variants ?? []).map((v) => [v.name, v.weightType, v.stickiness]),
    })),
  );
}

export type { UnleashAdminClient };
