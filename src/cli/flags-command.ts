// `ficus flags push|pull`: moves flags between flags/ (Unleash client-features JSON, the embedded
// mode's source of truth) and an Unleash server.
//   push: flags/ → Unleash's import format → POST /api/admin/features-batch/import. Unleash refuses
//         admin API tokens there: UNLEASH_ADMIN_TOKEN must be a personal access token (or a
//         service-account token on Unleash Pro/Enterprise).
//   pull: the project's flags in one environment, read through the Admin API, written back to
//         flags/ atomically in the canonical shape, each flag in the file it came from.
// Env: UNLEASH_URL, UNLEASH_ADMIN_TOKEN, UNLEASH_PROJECT (default), UNLEASH_ENVIRONMENT (development).
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { FeatureInterface } from 'unleash-client/lib/feature.js';
import { writeFileAtomically } from '../config/write-file-atomically.ts';
import { readFlagFiles } from '../decision/flag-files.ts';
import { STICKINESS_FIELD } from '../decision/flag-shape.ts';
import { createUnleashAdminClient, UnleashAdminError, type AdminFeature, type AdminStrategy, type UnleashAdminClient } from '../decision/unleash-admin-client.ts';

interface Io {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

const USAGE = 'usage: ficus flags push|pull [--flags DIR] [--project P] [--environment E]\n' +
  '  env: UNLEASH_URL, UNLEASH_ADMIN_TOKEN (push needs a personal access token), FICUS_FLAGS_DIR\n';

export async function runFlagsCommand(args: readonly string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, options: { flags: { type: 'string' }, project: { type: 'string' }, environment: { type: 'string' } } });
  } catch (error) {
    io.stderr.write(`ficus flags: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [action] = parsed.positionals;
  if (action !== 'push' && action !== 'pull') {
    io.stderr.write(USAGE);
    return 2;
  }
  const url = env.UNLEASH_URL;
  const token = env.UNLEASH_ADMIN_TOKEN;
  if (!url || !token) {
    io.stderr.write(`ficus flags ${action}: set UNLEASH_URL and UNLEASH_ADMIN_TOKEN\n`);
    return 2;
  }
  const target = {
    dir: resolve(parsed.values.flags ?? env.FICUS_FLAGS_DIR ?? 'flags'),
    project: parsed.values.project ?? env.UNLEASH_PROJECT ?? 'default',
    environment: parsed.values.environment ?? env.UNLEASH_ENVIRONMENT ?? 'development',
  };
  const admin = createUnleashAdminClient({ url, token });
  try {
    const message = action === 'push' ? await pushFlags(admin, target) : await pullFlags(admin, target);
    io.stdout.write(`${message}\n`);
    return 0;
  } catch (error) {
    io.stderr.write(`ficus flags ${action}: ${(error as Error).message}\n`);
    if (error instanceof UnleashAdminError && /admin token/i.test(error.message)) {
      io.stderr.write('  (the import endpoint refuses admin API tokens: use a personal access token as UNLEASH_ADMIN_TOKEN)\n');
    }
    return 1;
  }
}

interface Target {
  readonly dir: string;
  readonly project: string;
  readonly environment: string;
}

export async function pushFlags(admin: UnleashAdminClient, target: Target): Promise<string> {
  const { features } = await readFlagFiles(target.dir);
  await admin.ensureStickinessField();
  await admin.request('POST', '/api/admin/features-batch/import', toImportPayload(features, target.project, target.environment));
  return `pushed ${features.length} flags from ${target.dir} to Unleash ${target.project}/${target.environment}`;
}

/** Unleash's import format (the shape its export produces) for one project and environment. */
export function toImportPayload(features: readonly FeatureInterface[], project: string, environment: string) {
  return {
    project,
    environment,
    data: {
      features: features.map((f) => ({ name: f.name, type: f.type ?? 'release', description: f.description ?? '', project, stale: f.stale ?? false, impressionData: f.impressionData ?? false })),
      featureStrategies: features.flatMap((f) =>
        (f.strategies ?? []).map((s, index) => ({
          name: s.name,
          featureName: f.name,
          parameters: s.parameters ?? {},
          constraints: s.constraints ?? [],
          variants: s.variants ?? [],
          segments: [],
          sortOrder: index,
        })),
      ),
      featureEnvironments: features.map((f) => ({ name: f.name, featureName: f.name, environment, enabled: f.enabled, variants: f.variants ?? [] })),
      contextFields: [{ name: STICKINESS_FIELD, description: 'Ficus: hashed sticky key of a request', stickiness: true, legalValues: [] }],
      featureTags: [],
      tagTypes: [],
      segments: [],
      dependencies: [],
    },
  };
}

export async function pullFlags(admin: UnleashAdminClient, target: Target): Promise<string> {
  const projectPath = `/api/admin/projects/${encodeURIComponent(target.project)}/features`;
  const list = await admin.request<{ features: { name: string; archived?: boolean }[] }>('GET', projectPath);
  const features: FeatureInterface[] = [];
  for (const { name } of list.body?.features ?? []) {
    const detail = await admin.request<AdminFeature>('GET', `${projectPath}/${encodeURIComponent(name)}`);
    const env = detail.body?.environments.find((e) => e.name === target.environment);
    if (detail.body && env) features.push(toClientFeature(detail.body, env, target.project));
  }
  const files = await layoutByFile(target.dir, features);
  await mkdir(target.dir, { recursive: true });
  for (const [file, content] of files) await writeFileAtomically(join(target.dir, file), `${JSON.stringify(content, null, 2)}\n`);
  return `pulled ${features.length} flags from Unleash ${target.project}/${target.environment} into ${target.dir}`;
}

/** Client-features shape, as the SDK receives it and flags/ stores it (no ids, titles or sort orders). */
function toClientFeature(feature: AdminFeature, env: AdminFeature['environments'][number], project: string): FeatureInterface {
  const strategies = [...env.strategies]
    .sort((a, b) => ((a as { sortOrder?: number }).sortOrder ?? 0) - ((b as { sortOrder?: number }).sortOrder ?? 0))
    .filter((s) => (s as { disabled?: boolean }).disabled !== true)
    .map((s: AdminStrategy) => ({
      name: s.name,
      parameters: s.parameters ?? {},
      constraints: s.constraints ?? [],
      ...(s.variants?.length
        ? { variants: s.variants.map((v) => ({ name: v.name, weight: v.weight, weightType: v.weightType, stickiness: v.stickiness ?? 'default', ...(v.payload ? { payload: v.payload } : {}) })) }
        : {}),
    }));
  return {
    name: feature.name,
    ...(feature.description ? { description: feature.description } : {}),
    type: feature.type ?? 'release',
    project,
    enabled: env.enabled,
    strategies,
  } as unknown as FeatureInterface;
}

/** Each flag goes back to the file it was in; new flags go to features.json; files keep their order. */
async function layoutByFile(dir: string, features: readonly FeatureInterface[]): Promise<Map<string, { version: number; features: FeatureInterface[] }>> {
  const existing = await readFlagFiles(dir).catch(() => undefined);
  const files = new Map<string, { version: number; features: FeatureInterface[] }>();
  const order = new Map<string, number>();
  for (const [index, f] of (existing?.features ?? []).entries()) order.set(f.name, index);
  for (const file of new Set(existing?.fileOf.values() ?? [])) files.set(file, { version: 2, features: [] });
  const sorted = [...features].sort((a, b) => (order.get(a.name) ?? Infinity) - (order.get(b.name) ?? Infinity) || a.name.localeCompare(b.name));
  for (const feature of sorted) {
    const file = existing?.fileOf.get(feature.name) ?? 'features.json';
    if (!files.has(file)) files.set(file, { version: 2, features: [] });
    files.get(file)!.features.push(feature);
  }
  return files;
}

