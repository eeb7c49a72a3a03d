// Two phases, as in skipper's filters: a route's `compare:` block is validated and compiled once
// when routes load (and on reload), so the per-comparison path never parses pointers or imports.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import type { z } from 'zod';
import { BODY_DIFFERENCE_KINDS, compareConfigSchema, type CompareConfig } from './compare-config-schema.ts';
import { HL7_DEFAULT_IGNORES } from './formats/hl7v2-tree.ts';
import { createFieldVocabulary, type FieldVocabulary } from './field-vocabulary.ts';
import { parsePointer, parseRelativePointer, WILDCARD } from './pointer.ts';
import { withPreset } from './presets/fhir-r4.ts';
import { addRule, createRuleNode, type RuleNode } from './rule-trie.ts';
import type { Difference } from './types.ts';

/**
 * A route's own body comparator: receives the decoded bodies (the parsed JSON value, or the text of
 * a text body) and returns the differences; it replaces the structural body comparison.
 */
export type RouteComparator = (control: unknown, candidate: unknown) => readonly Difference[];

export interface CompareRules {
  /** Lowercased header names to compare. */
  readonly headers: readonly string[];
  readonly root: RuleNode;
  readonly comparator: RouteComparator | null;
  /** The route's `format` (undefined: by Content-Type); see compareConfigSchema. */
  readonly format?: CompareConfig['format'];
  /** The rules for HL7 v2 bodies: root plus the v2 default ignores (MSH-7, MSH-10) unless switched off. */
  readonly hl7Root?: RuleNode;
  /** Text fields compared by their clinical facts (see facts/compare-clinical-facts.ts). */
  readonly facts?: readonly FactPointer[];
  /** Medication names from the route's formulary file, lowercased. */
  readonly formulary?: readonly string[];
  /** What the route's documents prove about their keys (pointer templates); learns as it compares. */
  readonly fields?: FieldVocabulary;
  /** Numbers are decoded with their written form and compared by it (compare.precision). */
  readonly precision?: boolean;
  /** FHIR date/dateTime/instant strings compared as the same instant and precision (the fhir-r4 presets). */
  readonly fhirTemporal?: boolean;
  /** Passed through for dispatch. */
  readonly sample: number;
  readonly noiseSample: number;
}

export interface FactPointer {
  readonly pointer: string;
  readonly segments: readonly string[];
}

export class CompareConfigError extends Error {
  readonly code = 'COMPARE_CONFIG';
  /** Key path of the offending setting, starting at 'compare', e.g. ['compare','arrays','/entry']. */
  readonly path: readonly (string | number)[];
  constructor(message: string, path: readonly (string | number)[], options?: { cause?: unknown }) {
    super(`${path.join('.')}: ${message}`, options);
    this.name = 'CompareConfigError';
    this.path = path;
  }
}

export const DEFAULT_COMPARED_HEADERS: readonly string[] = Object.freeze(['content-type']);

/** Validates a raw `compare:` block (undefined = defaults) and compiles it; throws CompareConfigError. */
export async function compileCompareRules(config: unknown, options: { readonly baseDir: string }): Promise<CompareRules> {
  const parsed = compareConfigSchema.safeParse(config ?? {});
  if (!parsed.success) throw toConfigError(parsed.error);
  const valid = withFactIgnores(withPreset(parsed.data));
  const root = buildRuleTrie(valid);
  return Object.freeze({
    headers: Object.freeze((valid.headers ?? DEFAULT_COMPARED_HEADERS).map((name) => name.toLowerCase())),
    root,
    format: valid.format,
    hl7Root: valid.hl7DefaultIgnores === false ? root : buildRuleTrie({ ...valid, ignore: [...HL7_DEFAULT_IGNORES, ...(valid.ignore ?? [])] }),
    facts: Object.freeze((valid.facts ?? []).map((pointer) => Object.freeze({ pointer, segments: segmentsOfValid(pointer) }))),
    formulary: valid.formulary ? await loadFormulary(valid.formulary, options.baseDir) : Object.freeze([]),
    fields: createFieldVocabulary({ routeWords: ruleWords(valid) }),
    precision: valid.precision === true,
    fhirTemporal: valid.preset !== undefined,
    comparator: valid.comparator ? await loadComparator(valid.comparator, options.baseDir) : null,
    sample: valid.sample ?? 1,
    noiseSample: valid.noise?.sample ?? 0,
  });
}

/**
 * A fact field's wording is not a difference: its `changed` is ignored for the structural diff and
 * its facts are compared instead. Removal or a type change of the field is still reported.
 */
function withFactIgnores(config: CompareConfig): CompareConfig {
  const fields = (config.facts ?? []).filter((pointer) => pointer !== '');
  if (fields.length === 0) return config;
  return { ...config, ignore: [...(config.ignore ?? []), ...fields.map((pointer) => ({ pointer, kinds: ['changed' as const] }))] };
}

function segmentsOfValid(pointer: string): readonly string[] {
  const parsed = parsePointer(pointer);
  if (!parsed.ok) throw new Error(`unreachable: schema accepted ${pointer}`);
  return Object.freeze(parsed.segments);
}

async function loadFormulary(file: string, baseDir: string): Promise<readonly string[]> {
  let text: string;
  try {
    text = await readFile(path.resolve(baseDir, file), 'utf8');
  } catch (cause) {
    throw new CompareConfigError(`cannot read formulary ${JSON.stringify(file)}`, ['compare', 'formulary'], { cause });
  }
  const names = text.split(/\r?\n/).map((line) => line.replace(/#.*/, '').trim().toLowerCase()).filter(Boolean);
  return Object.freeze([...new Set(names)]);
}

/** Every key a rule pointer names: the route's author has said these are fields. */
function ruleWords(config: CompareConfig): Set<string> {
  const pointers = [
    ...(config.ignore ?? []).map((entry) => (typeof entry === 'string' ? entry : entry.pointer)),
    ...Object.keys(config.arrays ?? {}),
    ...Object.values(config.arrays ?? {}).flatMap((policy) => (typeof policy === 'string' ? [] : [policy.keyed].flat().map((key) => (key.startsWith('/') ? key : `/${key}`)))),
    ...Object.keys(config.tolerance?.numeric ?? {}),
    ...Object.keys(config.tolerance?.timestamp ?? {}),
    ...(config.shape ?? []),
  ];
  const words = new Set<string>();
  for (const pointer of pointers) {
    const parsed = parsePointer(pointer);
    if (parsed.ok) for (const segment of parsed.segments) if (segment !== WILDCARD) words.add(segment);
  }
  return words;
}

function buildRuleTrie(config: CompareConfig): RuleNode {
  const root = createRuleNode();
  const segmentsOf = (pointer: string): readonly string[] => {
    const parsed = parsePointer(pointer);
    if (!parsed.ok) throw new Error(`unreachable: schema accepted ${pointer}`);
    return parsed.segments;
  };
  for (const entry of config.ignore ?? []) {
    const pointer = typeof entry === 'string' ? entry : entry.pointer;
    const kinds = typeof entry === 'string' ? BODY_DIFFERENCE_KINDS : entry.kinds;
    addRule(root, segmentsOf(pointer), (node) => {
      node.ignore ??= new Set();
      for (const kind of kinds) node.ignore.add(kind);
    });
  }
  for (const [pointer, policy] of Object.entries(config.arrays ?? {})) {
    addRule(root, segmentsOf(pointer), (node) => {
      if (typeof policy === 'string') node.array = { kind: policy };
      else {
        const keys = (typeof policy.keyed === 'string' ? [policy.keyed] : policy.keyed).map((pointer) => {
          const key = parseRelativePointer(pointer);
          if (!key.ok) throw new Error(`unreachable: schema accepted ${pointer}`);
          return key.segments;
        });
        node.array = { kind: 'keyed', key: keys[0]!, keys };
      }
    });
  }
  for (const [pointer, tolerance] of Object.entries(config.tolerance?.numeric ?? {})) {
    addRule(root, segmentsOf(pointer), (node) => { node.numericTolerance = tolerance; });
  }
  for (const [pointer, tolerance] of Object.entries(config.tolerance?.timestamp ?? {})) {
    addRule(root, segmentsOf(pointer), (node) => { node.timestampToleranceMs = tolerance; });
  }
  for (const pointer of config.shape ?? []) addRule(root, segmentsOf(pointer), (node) => { node.shape = true; });
  return root;
}

async function loadComparator(specifier: string, baseDir: string): Promise<RouteComparator> {
  const where = ['compare', 'comparator'];
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path.resolve(baseDir, specifier)).href)) as Record<string, unknown>;
  } catch (cause) {
    throw new CompareConfigError(`cannot load comparator module ${JSON.stringify(specifier)}`, where, { cause });
  }
  const compare = typeof module['compare'] === 'function' ? module['compare'] : module['default'];
  if (typeof compare !== 'function') {
    throw new CompareConfigError(`comparator module ${JSON.stringify(specifier)} exports neither a default function nor compare()`, where);
  }
  return compare as RouteComparator;
}

function toConfigError(error: z.ZodError): CompareConfigError {
  // One error naming the first problem; every problem stays in the cause for a loader that lists all.
  const { message, path: where } = innermostIssue(error.issues[0]!);
  return new CompareConfigError(message, ['compare', ...where], { cause: error });
}

/**
 * A union (`- /a` or `- { pointer, kinds }`) fails as a whole; the branch that got furthest names
 * the real key (['ignore', 0, 'kinds', 0] rather than ['ignore', 0]).
 */
function innermostIssue(issue: z.core.$ZodIssue): { message: string; path: (string | number)[] } {
  const here = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
  if (issue.code === 'invalid_union') {
    // Ties go to our own checks (pointer syntax) over "expected object".
    const rank = (candidate: z.core.$ZodIssue): number => candidate.path.length * 2 + (candidate.code === 'custom' ? 1 : 0);
    const deepest = issue.errors.flat().reduce<z.core.$ZodIssue | undefined>((best, next) => (best && rank(best) >= rank(next) ? best : next), undefined);
    if (deepest && rank(deepest) > 0) {
      const inner = innermostIssue(deepest);
      return { message: inner.message, path: [...here, ...inner.path] };
    }
  }
  if (issue.code === 'invalid_key' && issue.issues[0]) return { message: `${issue.message}: ${issue.issues[0].message}`, path: here };
  return { message: issue.message, path: here };
}
