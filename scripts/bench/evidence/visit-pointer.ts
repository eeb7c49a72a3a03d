// Pointer templates over plain JSON documents: visit every concrete location a template names
// (`*` = every index or key) and turn a concrete path back into the template a difference record
// should carry. The corpus uses these for noise, order and jitter, and the scorer for ground truth.
import type { Json } from './route-spec.ts';

export type Container = Json[] | { [key: string]: Json };

/** Parent container and key of a concrete location, with its concrete path. */
export interface Location {
  readonly parent: Container;
  readonly key: string;
  readonly path: readonly string[];
}

export function segmentsOf(template: string): string[] {
  return template === '' ? [] : template.slice(1).split('/');
}

export function pointerOf(segments: readonly string[]): string {
  return segments.map((s) => `/${s.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * Calls visit for each existing location matching the template (the last segment may name a
 * missing object key: `optional` noise sets fields that are not there yet). Children are listed
 * before the visit runs, so visit may replace or delete the value it is given.
 */
export function visitPointer(doc: Json, template: string, visit: (at: Location) => void, options: { includeMissing?: boolean } = {}): void {
  const segments = segmentsOf(template);
  if (segments.length === 0) return;
  const walk = (node: Json, depth: number, path: string[]): void => {
    if (node === null || typeof node !== 'object') return;
    const segment = segments[depth]!;
    const last = depth === segments.length - 1;
    const keys = segment === '*' ? (Array.isArray(node) ? node.map((_, i) => String(i)) : Object.keys(node)) : [segment];
    for (const key of keys) {
      const exists = Array.isArray(node) ? /^\d+$/.test(key) && Number(key) < node.length : Object.hasOwn(node, key);
      if (last) {
        if (exists || (options.includeMissing && !Array.isArray(node))) visit({ parent: node, key, path: [...path, key] });
      } else if (exists) {
        walk(Array.isArray(node) ? node[Number(key)]! : node[key]!, depth + 1, [...path, key]);
      }
    }
  };
  walk(doc, 0, []);
}

export function readValue(at: Location): Json | undefined {
  return Array.isArray(at.parent) ? at.parent[Number(at.key)] : at.parent[at.key];
}

export function writeValue(at: Location, value: Json): void {
  if (Array.isArray(at.parent)) at.parent[Number(at.key)] = value;
  else at.parent[at.key] = value;
}

/**
 * The template Ficus should record for a concrete path: array indices and keys of data-keyed maps
 * become `*`, field names stay readable (including `icd10Code`, `hba1c`, `o2Sat`).
 */
export function templateOf(doc: Json, path: readonly string[], dataMaps: readonly string[]): string {
  const out: string[] = [];
  let node: Json | undefined = doc;
  for (const segment of path) {
    const parentTemplate = pointerOf(out);
    const isIndex = Array.isArray(node);
    out.push(isIndex || dataMaps.includes(parentTemplate) ? '*' : segment);
    node = node !== null && typeof node === 'object' ? (Array.isArray(node) ? node[Number(segment)] : node[segment]) : undefined;
  }
  return pointerOf(out);
}

/** True when a template (with `*`) names the concrete or template pointer given. */
export function templateCovers(template: string, pointer: string): boolean {
  const a = segmentsOf(template);
  const b = segmentsOf(pointer);
  return a.length === b.length && a.every((s, i) => s === '*' || s === b[i]);
}
