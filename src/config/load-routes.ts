// Loads every YAML file in routes/ into one validated RoutesConfig, or throws one ConfigError that
// lists every problem with file, line and key. Pure of the environment: URL overrides come in as
// an argument (main reads FICUS_UPSTREAM_<NAME>_URL and --legacy).
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError, formatKeyPath, type ConfigProblem } from './config-error.ts';
import { routeFileSchema, type RouteSpec, type UpstreamSpec } from './route-schema.ts';
import { parsePathPattern } from '../routing/path-pattern.ts';

export interface UpstreamConfig extends UpstreamSpec {
  readonly name: string;
}

export interface RouteConfig extends RouteSpec {
  /** Where the route was defined, for error messages and the API. */
  readonly source: { readonly file: string; readonly line: number | undefined };
}

export interface RoutesConfig {
  readonly upstreams: ReadonlyMap<string, UpstreamConfig>;
  readonly routes: readonly RouteConfig[];
  /** SHA-256 over the files' bytes: audited on reload so a change can be traced to its content. */
  readonly hash: string;
  readonly files: readonly string[];
  /** Worth telling the operator, not worth refusing: e.g. no route files yet (pure pass-through). */
  readonly warnings: readonly string[];
}

export interface LoadRoutesOptions {
  /** Upstream name → URL that replaces the file's URL (from env or CLI). */
  readonly urlOverrides?: Readonly<Record<string, string>>;
  /** Base for file names in messages (defaults to the process's cwd). */
  readonly displayBase?: string;
}

interface ParsedFile {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
}

/** The YAML files of a routes folder as read from disk, in name order (the only I/O of loading). */
export interface RouteFiles {
  readonly dir: string;
  readonly files: readonly { readonly name: string; readonly text: string }[];
}

export async function loadRoutes(dir: string, options: LoadRoutesOptions = {}): Promise<RoutesConfig> {
  return parseRoutes(await readRouteFiles(dir), options);
}

export async function readRouteFiles(dir: string): Promise<RouteFiles> {
  const names = await listYamlFiles(dir);
  return { dir, files: await Promise.all(names.map(async (name) => ({ name, text: await readFile(join(dir, name), 'utf8') }))) };
}

/** Validates route files' text into one RoutesConfig or throws one ConfigError listing every problem; no I/O. */
export function parseRoutes(input: RouteFiles, options: LoadRoutesOptions = {}): RoutesConfig {
  const { dir } = input;
  const names = input.files.map((f) => f.name);
  const problems: ConfigProblem[] = [];
  const upstreams = new Map<string, UpstreamConfig>();
  const routes: RouteConfig[] = [];
  const hash = createHash('sha256');
  const display = (f: string) => relative(options.displayBase ?? process.cwd(), f) || f;

  for (const { name, text } of input.files) {
    const path = join(dir, name);
    hash.update(name).update('\0').update(text).update('\0');
    const parsed = parseYaml(display(path), text, problems);
    if (!parsed) continue;
    const result = routeFileSchema.safeParse(parsed.doc.toJS() ?? {});
    if (!result.success) {
      problems.push(...result.error.issues.map((issue) => issueToProblem(parsed, issue)));
      continue;
    }
    for (const [upstreamName, spec] of Object.entries(result.data.upstreams ?? {})) {
      if (upstreams.has(upstreamName)) {
        problems.push({ file: parsed.file, line: lineOf(parsed, ['upstreams', upstreamName]), key: `upstreams.${upstreamName}`, message: 'upstream defined twice' });
      }
      upstreams.set(upstreamName, { ...spec, name: upstreamName });
    }
    result.data.routes?.forEach((route, index) => {
      routes.push({ ...route, source: { file: parsed.file, line: lineOf(parsed, ['routes', index]) } });
    });
  }

  applyUrlOverrides(upstreams, options.urlOverrides ?? {}, problems);
  problems.push(...crossCheck(upstreams, routes));
  // No routes yet is the first step of every strangler migration: Ficus in front, everything
  // passing through to legacy untouched. It still needs a legacy upstream (crossCheck says so).
  const warnings = names.length === 0 ? [`no route files (*.yaml) in ${display(dir)}: every request passes through to legacy untouched`] : [];
  if (problems.length > 0) throw new ConfigError(problems);
  return { upstreams, routes, hash: hash.digest('hex'), files: names, warnings };
}

async function listYamlFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() && /\.ya?ml$/.test(e.name)).map((e) => e.name).sort();
  } catch (error) {
    throw new ConfigError([{ file: dir, message: `cannot read routes directory (${(error as NodeJS.ErrnoException).code ?? 'error'})` }], { cause: error });
  }
}

function parseYaml(file: string, text: string, problems: ConfigProblem[]): ParsedFile | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length === 0) return { file, doc, lines };
  for (const error of doc.errors) {
    problems.push({ file, line: lines.linePos(error.pos[0]).line, message: `YAML: ${error.message.split('\n')[0]}` });
  }
  return undefined;
}

function issueToProblem(parsed: ParsedFile, issue: z.core.$ZodIssue): ConfigProblem {
  const path = [...issue.path];
  // For an unknown key, point at the key itself rather than the object around it.
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  return { file: parsed.file, line: lineOf(parsed, path), key: formatKeyPath(path) || undefined, message: issue.message };
}

/** Line of the deepest node that exists along the path (so a missing key points at its parent). */
function lineOf(parsed: ParsedFile, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = parsed.doc.getIn(path.slice(0, depth) as unknown[], true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) {
      const keyOffset = keyRange(parsed.doc, path.slice(0, depth));
      return parsed.lines.linePos(keyOffset ?? node.range[0]).line;
    }
  }
  return undefined;
}

/** Offset of the key naming the last path element, when it is a mapping key. */
function keyRange(doc: Document, path: readonly PropertyKey[]): number | undefined {
  const parentPath = path.slice(0, -1) as unknown[];
  const parent = parentPath.length ? doc.getIn(parentPath, true) : doc.contents;
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === last);
    return (pair?.key as { range?: [number, number, number] } | undefined)?.range?.[0];
  }
  if (isSeq(parent) && typeof last === 'number') {
    return (parent.items[last] as { range?: [number, number, number] } | undefined)?.range?.[0];
  }
  return undefined;
}

function applyUrlOverrides(upstreams: Map<string, UpstreamConfig>, overrides: Readonly<Record<string, string>>, problems: ConfigProblem[]): void {
  for (const [name, url] of Object.entries(overrides)) {
    if (!/^https?:\/\/[^/]/.test(url) || !URL.canParse(url)) {
      problems.push({ file: '(environment)', key: `upstreams.${name}.url`, message: `override ${JSON.stringify(url)} is not an http(s) URL` });
      continue;
    }
    const existing = upstreams.get(name);
    upstreams.set(name, existing ? { ...existing, url } : { ...defaultUpstream(name), url });
  }
}

function defaultUpstream(name: string): UpstreamConfig {
  return { name, url: '', rewriteHost: false, timeouts: {}, keepAliveMs: 4_000, maxSockets: 256 };
}

function crossCheck(upstreams: ReadonlyMap<string, UpstreamConfig>, routes: readonly RouteConfig[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!upstreams.has('legacy')) {
    problems.push({ file: '(routes)', key: 'upstreams.legacy', message: 'the legacy upstream is not defined (set it in a route file, FICUS_LEGACY_URL or --legacy)' });
  }
  const seen = new Map<string, RouteConfig>();
  for (const route of routes) {
    const at = { file: route.source.file, line: route.source.line };
    const previous = seen.get(route.id);
    if (previous) problems.push({ ...at, key: 'id', message: `route id "${route.id}" already defined at ${previous.source.file}:${previous.source.line ?? '?'}` });
    seen.set(route.id, route);
    if (!upstreams.has(route.new)) problems.push({ ...at, key: `${route.id}.new`, message: `unknown upstream "${route.new}"` });
    if (route.new === 'legacy') problems.push({ ...at, key: `${route.id}.new`, message: 'the new service cannot be the legacy upstream' });
    const pattern = parsePathPattern(route.match.path);
    if (!pattern.ok) {
      problems.push({ ...at, key: `${route.id}.match.path`, message: pattern.message });
    } else if (route.stickiness && 'path' in route.stickiness && !pattern.params.includes(route.stickiness.path)) {
      problems.push({ ...at, key: `${route.id}.stickiness.path`, message: `"${route.stickiness.path}" is not a parameter of ${route.match.path}` });
    }
  }
  return problems;
}
