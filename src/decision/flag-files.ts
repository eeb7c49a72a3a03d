// Reads flags/ — Unleash client-features JSON, one or more *.json files — into one feature list.
// Validation is deliberately structural (what the SDK would choke on or silently misread);
// one error lists every problem, and the caller keeps the last good flags when it throws.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { FeatureInterface } from 'unleash-client/lib/feature.js';
import { ConfigError, type ConfigProblem } from '../config/config-error.ts';

export interface FlagSet {
  readonly features: readonly FeatureInterface[];
  /** Which file each flag lives in: writes go back to the same file. */
  readonly fileOf: ReadonlyMap<string, string>;
  /** Short content hash: the flag revision named in every decision. */
  readonly revision: string;
}

export async function readFlagFiles(dir: string, displayBase = process.cwd()): Promise<FlagSet> {
  const names = await listJsonFiles(dir);
  const problems: ConfigProblem[] = [];
  const features: FeatureInterface[] = [];
  const fileOf = new Map<string, string>();
  const hash = createHash('sha256');
  for (const name of names) {
    const path = join(dir, name);
    const display = relative(displayBase, path) || path;
    const text = await readFile(path, 'utf8');
    hash.update(name).update('\0').update(text).update('\0');
    const parsed = parseJson(display, text, problems);
    if (parsed === undefined) continue;
    for (const feature of validateFile(display, text, parsed, problems)) {
      const previous = fileOf.get(feature.name);
      if (previous) problems.push({ file: display, line: lineOfName(text, feature.name), key: feature.name, message: `flag also defined in ${previous}` });
      fileOf.set(feature.name, name);
      features.push(feature);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { features, fileOf, revision: hash.digest('hex').slice(0, 12) };
}

async function listJsonFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith('.json') && !e.name.startsWith('.')).map((e) => e.name).sort();
  } catch (error) {
    throw new ConfigError([{ file: dir, message: `cannot read flags directory (${(error as NodeJS.ErrnoException).code ?? 'error'})` }], { cause: error });
  }
}

function parseJson(file: string, text: string, problems: ConfigProblem[]): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    const line = position === undefined ? undefined : text.slice(0, Number(position)).split('\n').length;
    problems.push({ file, line, message: `not valid JSON: ${message.replace(/^.*?: /, '')}` });
    return undefined;
  }
}

function validateFile(file: string, text: string, data: unknown, problems: ConfigProblem[]): FeatureInterface[] {
  if (!isObject(data) || !Array.isArray(data.features)) {
    problems.push({ file, line: 1, message: 'expected Unleash client-features JSON: {"version": 2, "features": [...]}' });
    return [];
  }
  const valid: FeatureInterface[] = [];
  data.features.forEach((feature: unknown, index: number) => {
    const before = problems.length;
    const key = `features[${index}]`;
    if (!isObject(feature) || typeof feature.name !== 'string' || feature.name === '') {
      problems.push({ file, key, message: 'every feature needs a "name" string' });
      return;
    }
    const at = { file, line: lineOfName(text, feature.name), key: feature.name };
    if (typeof feature.enabled !== 'boolean') problems.push({ ...at, message: '"enabled" must be true or false' });
    if (feature.strategies !== undefined && !Array.isArray(feature.strategies)) problems.push({ ...at, message: '"strategies" must be an array' });
    for (const [i, strategy] of ((feature.strategies as unknown[]) ?? []).entries()) {
      if (!isObject(strategy) || typeof strategy.name !== 'string') {
        problems.push({ ...at, key: `${feature.name}.strategies[${i}]`, message: 'every strategy needs a "name"' });
        continue;
      }
      if (strategy.variants !== undefined && !Array.isArray(strategy.variants)) {
        problems.push({ ...at, key: `${feature.name}.strategies[${i}].variants`, message: 'must be an array' });
      }
      const rollout = isObject(strategy.parameters) ? strategy.parameters.rollout : undefined;
      if (rollout !== undefined && !(Number(rollout) >= 0 && Number(rollout) <= 100)) {
        problems.push({ ...at, key: `${feature.name}.strategies[${i}].parameters.rollout`, message: 'must be a number from 0 to 100' });
      }
    }
    if (problems.length === before) valid.push(feature as unknown as FeatureInterface);
  });
  return valid;
}

function lineOfName(text: string, name: string): number | undefined {
  const at = text.indexOf(`"name": ${JSON.stringify(name)}`) >= 0 ? text.indexOf(`"name": ${JSON.stringify(name)}`) : text.indexOf(`"name":${JSON.stringify(name)}`);
  return at === -1 ? undefined : text.slice(0, at).split('\n').length;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
