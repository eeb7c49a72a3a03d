// Injects real differences into the new service's copy of a case and says, for each, the pointer
// template and kind Ficus should record: the ground truth. Targets are chosen so the truth is
// unambiguous: never a noise field, never an identity field a keyed match relies on, elements of
// ordered arrays are only added or removed at the end (anywhere else shifts every later index).
import { pick } from '../../../src/demo/shared/prng.ts';
import { int } from './clinical-values.ts';
import { writtenNumber } from './render-response.ts';
import type { Injection, Json, JsonObject, RouteSpec, Truth } from './route-spec.ts';
import { templateCovers, templateOf } from './visit-pointer.ts';

export type { InjectedKind, Injection, Truth } from './route-spec.ts';

/** The differences one route's dirty cases carry, one case per entry (plus `precision` where numbers are written). */
export const INJECTION_PLAN: readonly Injection[] = [
  { kind: 'changed', where: 'anywhere' }, { kind: 'changed', where: 'reordered' }, { kind: 'changed', where: 'tolerance' },
  { kind: 'removed', where: 'anywhere' }, { kind: 'removed', where: 'reordered' },
  { kind: 'added', where: 'anywhere' }, { kind: 'added', where: 'reordered' },
  { kind: 'type', where: 'anywhere' }, { kind: 'type', where: 'reordered' },
  { kind: 'status' }, { kind: 'header' }, { kind: 'element-removed' }, { kind: 'element-added' },
  { kind: 'changed', where: 'two-elements' }, { kind: 'changed', where: 'every-element' }, { kind: 'order' },
];

export interface Injected {
  readonly doc: JsonObject;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly truth: readonly Truth[];
}

interface Leaf {
  readonly path: string[];
  readonly parent: JsonObject;
  readonly key: string;
  readonly template: string;
  /** The order-free array (shuffled, unordered, keyed) this leaf sits in, if any. */
  readonly reorderedArray: string | undefined;
}

export function isIdentityField(key: string): boolean {
  return key === 'id' || key === 'resourceType' || key === 'fullUrl' || /Id$/.test(key);
}

export function injectDifference(spec: RouteSpec, base: JsonObject, injection: Injection, random: () => number): Injected {
  const doc = structuredClone(base);
  const done = (truth: readonly Truth[], status = 200, headers = spec.headers): Injected => ({ doc, status, headers, truth });
  if (injection.kind === 'custom') {
    if (!spec.injectCustom || !injection.name) throw new Error(`route ${spec.id}: a custom injection needs a name and RouteSpec.injectCustom`);
    return done(spec.injectCustom(doc, injection.name, random));
  }
  if (injection.kind === 'status') return done([{ pointer: '/status', kind: 'status', where: 'response' }], pick(random, [404, 500, 503]));
  if (injection.kind === 'header') {
    const name = pick(random, Object.keys(spec.headers).filter((h) => h !== 'content-type'));
    return done([{ pointer: `/headers/${name}`, kind: 'header', where: 'response' }], 200, { ...spec.headers, [name]: `${spec.headers[name]}, private` });
  }
  if (injection.kind === 'element-added' || injection.kind === 'element-removed') return done(changeElements(spec, doc, injection.kind, random));
  if (injection.kind === 'order') {
    const reversed = reverseOrderedArray(spec, doc, random);
    if (reversed) return done([reversed]);
  }
  const leaves = leavesOf(spec, doc);
  if (injection.kind === 'precision') return done([rewriteNumber(spec, leaves, random)]);
  const wanted = injection.where ?? 'anywhere';
  if (wanted === 'two-elements' || wanted === 'every-element') return done(changeAcrossElements(spec, doc, leaves, wanted, random));
  // A field whose removal empties its parent would be reported at the parent in v2 and XML.
  const removable = injection.kind === 'removed' && spec.wire?.removalNeedsSibling ? leaves.filter((leaf) => Object.keys(leaf.parent).length >= 2) : leaves;
  const candidates = removable.filter((leaf) => matchesWhere(spec, leaf, wanted));
  const leaf = pick(random, candidates.length > 0 ? candidates : removable);
  const where = candidates.length > 0 ? wanted : 'anywhere';
  if (injection.kind === 'added') return done([addField(spec, doc, leaf, random, where)]);
  if (injection.kind === 'removed') {
    delete leaf.parent[leaf.key];
    return done([{ pointer: leaf.template, kind: 'removed', where }]);
  }
  const type = injection.kind === 'type';
  leaf.parent[leaf.key] = type ? otherType(leaf.parent[leaf.key]!) : changedValue(leaf.parent[leaf.key]!, random);
  return done([{ pointer: leaf.template, kind: type ? 'type' : 'changed', where }]);
}

/**
 * An array whose order means something (no policy, legacy keeps it) comes back reversed: one `order`
 * difference at the array. Undefined when the document has no such array with distinct elements.
 */
function reverseOrderedArray(spec: RouteSpec, doc: JsonObject, random: () => number): Truth | undefined {
  const reordered = [...spec.shuffled, ...spec.unordered, ...Object.keys(spec.keyed)];
  const found: { path: string[]; items: Json[] }[] = [];
  const walk = (node: Json, path: string[]): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      const forms = new Set(node.map((e) => JSON.stringify(e)));
      if (node.length >= 2 && forms.size === node.length && !reordered.includes(templateOf(doc, path, spec.dataMaps))) found.push({ path, items: node });
      node.forEach((child, i) => walk(child, [...path, String(i)]));
    } else for (const [key, value] of Object.entries(node)) walk(value, [...path, key]);
  };
  walk(doc, []);
  if (found.length === 0) return undefined;
  const { path, items } = pick(random, found);
  items.reverse();
  return { pointer: templateOf(doc, path, spec.dataMaps), kind: 'order', where: 'element' };
}

/** The same value written another way (`25.50` → `25.5`, `25.57` → `25.570`): kind precision. */
function rewriteNumber(spec: RouteSpec, leaves: readonly Leaf[], random: () => number): Truth {
  const written = leaves.flatMap((leaf) => {
    const places = Object.entries(spec.written).find(([t]) => templateCovers(t, leaf.template))?.[1];
    return places === undefined || typeof leaf.parent[leaf.key] !== 'number' ? [] : [{ leaf, places }];
  });
  if (written.length === 0) throw new Error(`route ${spec.id}: no written number for a precision difference`);
  const { leaf, places } = pick(random, written);
  const text = (leaf.parent[leaf.key] as number).toFixed(places);
  leaf.parent[leaf.key] = writtenNumber(text.endsWith('0') ? text.replace(/0+$/, '').replace(/\.$/, '') : `${text}0`);
  return { pointer: leaf.template, kind: 'precision', where: 'anywhere' };
}

function matchesWhere(spec: RouteSpec, leaf: Leaf, where: 'anywhere' | 'reordered' | 'tolerance'): boolean {
  if (where === 'anywhere') return true;
  if (where === 'reordered') return leaf.reorderedArray !== undefined;
  return [...Object.keys(spec.numeric), ...Object.keys(spec.timestamp)].some((t) => templateCovers(t, leaf.template));
}

/** Every primitive, non-null field of an object that is fair game (see the header comment). */
function leavesOf(spec: RouteSpec, doc: JsonObject): Leaf[] {
  const reordered = [...spec.shuffled, ...spec.unordered, ...Object.keys(spec.keyed)];
  // A changed key is another element (removed + added), not a changed field: keys stay as they are.
  const keyFields = new Set(Object.entries(spec.keyed).flatMap(([array, keys]) => [keys].flat().map((k) => `${array}/*/${k.replace(/^\//, '')}`)));
  const leaves: Leaf[] = [];
  const walk = (node: Json, path: string[]): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((child, i) => walk(child, [...path, String(i)]));
    for (const [key, value] of Object.entries(node)) {
      const childPath = [...path, key];
      if (value !== null && typeof value === 'object') walk(value, childPath);
      else if (value !== null && !isIdentityField(key)) {
        const template = templateOf(doc, childPath, spec.dataMaps);
        if (spec.noise.some((n) => templateCovers(n.pointer, template))) continue;
        if (keyFields.has(template)) continue;
        if (isFixed(spec, template)) continue;
        const reorderedArray = reordered.find((a) => template.startsWith(`${a}/*/`));
        leaves.push({ path: childPath, parent: node, key, template, reorderedArray });
      }
    }
  };
  walk(doc, []);
  return leaves;
}

/** A template at or beneath one the route says no injection touches. */
function isFixed(spec: RouteSpec, template: string): boolean {
  const segments = template.split('/');
  return (spec.fixed ?? []).some((f) => {
    const head = f.split('/');
    return head.length <= segments.length && head.every((s, i) => s === '*' || s === segments[i]);
  });
}

function changedValue(value: Json, random: () => number): Json {
  if (typeof value === 'boolean') return !value;
  // At least 1 away: beyond every tolerance the corpus declares (the largest is 0.1).
  if (typeof value === 'number') return Number.isInteger(value) ? value + int(random, 1, 9) : Number((value + 1 + random() * 5).toFixed(2));
  const text = String(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const moved = new Date(Date.parse(text) + 86_400_000).toISOString();
    return text.length === 10 ? moved.slice(0, 10) : moved;
  }
  return `${text} (amended)`;
}

function otherType(value: Json): Json {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

const ADDED_FIELDS = ['comment', 'verifiedBy', 'sourceSystem', 'externalRef', 'reviewNote'];

function addField(spec: RouteSpec, doc: JsonObject, leaf: Leaf, random: () => number, where: Truth['where']): Truth {
  const name = spec.wire?.addedKey?.(leaf.parent) ?? ADDED_FIELDS.find((f) => !Object.hasOwn(leaf.parent, f))!;
  leaf.parent[name] = pick(random, ['checked', 'pending review', 'imported']);
  return { pointer: templateOf(doc, [...leaf.path.slice(0, -1), name], spec.dataMaps), kind: 'added', where };
}

/** Arrays of objects with at least two elements, order-free ones first. */
function objectArrays(spec: RouteSpec, doc: JsonObject): { path: string[]; items: JsonObject[]; ordered: boolean }[] {
  const reordered = [...spec.shuffled, ...spec.unordered, ...Object.keys(spec.keyed)];
  const found: { path: string[]; items: JsonObject[]; ordered: boolean }[] = [];
  const walk = (node: Json, path: string[]): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      const template = templateOf(doc, path, spec.dataMaps);
      if (node.length >= 2 && !isFixed(spec, template) && node.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e))) found.push({ path, items: node as JsonObject[], ordered: !reordered.includes(template) });
      node.forEach((child, i) => walk(child, [...path, String(i)]));
    } else for (const [key, value] of Object.entries(node)) walk(value, [...path, key]);
  };
  walk(doc, []);
  const free = found.filter((a) => !a.ordered);
  return free.length > 0 ? free : found;
}

function changeElements(spec: RouteSpec, doc: JsonObject, kind: 'element-added' | 'element-removed', random: () => number): Truth[] {
  const arrays = objectArrays(spec, doc);
  if (arrays.length === 0) return changeMapEntries(spec, doc, kind, random);
  const { path, items, ordered } = pick(random, arrays);
  const pointer = `${templateOf(doc, path, spec.dataMaps)}/*`;
  if (kind === 'element-removed') {
    items.splice(ordered ? items.length - 1 : int(random, 0, items.length - 1), 1);
    return [{ pointer, kind: 'removed', where: 'element' }];
  }
  const twin = perturb(structuredClone(pick(random, items)), random) as JsonObject;
  items.splice(ordered ? items.length : int(random, 0, items.length), 0, twin);
  return [{ pointer, kind: 'added', where: 'element' }];
}

/** A data-keyed map's entries are its elements (a bed, a clinician): one goes, or one more comes. */
function changeMapEntries(spec: RouteSpec, doc: JsonObject, kind: 'element-added' | 'element-removed', random: () => number): Truth[] {
  const pointer = spec.dataMaps[0];
  const map = pointer === undefined ? undefined : doc[pointer.slice(1)];
  if (!pointer || !map || typeof map !== 'object' || Array.isArray(map)) throw new Error(`route ${spec.id}: no array of objects or top-level data map to ${kind}`);
  const keys = Object.keys(map);
  if (kind === 'element-removed') delete map[pick(random, keys)];
  else map[`${pick(random, keys)}x`] = perturb(structuredClone(map[pick(random, keys)]!), random);
  return [{ pointer: `${pointer}/*`, kind: kind === 'element-added' ? 'added' : 'removed', where: 'element' }];
}

/** A different element of the same shape: every value changed, identities included (its type stays). */
function perturb(value: Json, random: () => number): Json {
  if (Array.isArray(value)) return value.map((v) => perturb(v, random));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'resourceType' ? v : perturb(v, random)]));
  if (typeof value === 'string' && value === '') return value;
  return value === null ? null : changedValue(value, random);
}

function changeAcrossElements(spec: RouteSpec, doc: JsonObject, leaves: Leaf[], where: 'two-elements' | 'every-element', random: () => number): Truth[] {
  const inArrays = leaves.filter((l) => l.reorderedArray !== undefined);
  const pool = inArrays.length > 0 ? inArrays : leaves.filter((l) => l.template.includes('/*/'));
  const template = pick(random, pool).template;
  const same = pool.filter((l) => l.template === template);
  const chosen = where === 'every-element' ? same : same.slice(0, 2);
  for (const leaf of chosen) leaf.parent[leaf.key] = changedValue(leaf.parent[leaf.key]!, random);
  return chosen.map((leaf) => ({ pointer: leaf.template, kind: 'changed', where: inArrays.length > 0 ? 'reordered' : 'anywhere' }));
}

