// What the corpus knows about one clinical API: how to build a patient's document, and where its
// per-call noise, random order, tolerances and data-keyed maps are. The ground truth is derived from
// this description, never from what Ficus reports.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * Per-call noise legacy (and new) produce by themselves. Pointers are templates: `*` matches every
 * array index or object key.
 *   timestamp / uuid / number → the value changes on every call (kind `changed`)
 *   optional                  → the field is present on about half the calls (kinds `added`/`removed`)
 */
export interface NoiseField {
  readonly pointer: string;
  readonly kind: 'timestamp' | 'uuid' | 'number' | 'optional';
}

export type InjectedKind = 'changed' | 'added' | 'removed' | 'type' | 'precision' | 'status' | 'header' | 'order' | 'fact-missing' | 'fact-added' | 'fact-changed';

/** One injected difference: what Ficus should report (template pointer and kind). */
export interface Truth {
  readonly pointer: string;
  readonly kind: InjectedKind;
  /** Where it was injected, for the report's breakdown. */
  readonly where: 'anywhere' | 'reordered' | 'tolerance' | 'element' | 'response' | 'facts';
}

/**
 * One entry of a dirty plan. `where` applies to body kinds: any field, a field inside an order-free
 * array's elements, a field with a tolerance (changed beyond it), or (changed only) the same field
 * in two elements / in every element of an order-free array. `custom` is the route's own
 * (RouteSpec.injectCustom), by name.
 */
export interface Injection {
  readonly kind: 'changed' | 'removed' | 'added' | 'type' | 'precision' | 'element-added' | 'element-removed' | 'order' | 'status' | 'header' | 'custom';
  readonly where?: 'anywhere' | 'reordered' | 'tolerance' | 'two-elements' | 'every-element';
  readonly name?: string;
}

/** One call of a side: what a wire format may vary by itself (noise it carries, e.g. MSH-7/MSH-10). */
export interface WireCall {
  readonly side: 'legacy' | 'new';
  readonly random: () => number;
  readonly callMs: number;
}

/**
 * How a route's documents travel. The corpus builds, injects and templates every document as the
 * tree Ficus compares (JSON, or the HL7 v2 / XML tree of src/compare/formats/); the wire format
 * writes that tree as bytes, with the noise that must never surface (other namespace prefixes,
 * whitespace, attribute order, MSH-7/MSH-10, rewording of generated text).
 */
export interface WireFormat {
  /** The row the bench reports this route under. */
  readonly name: string;
  write(doc: JsonObject, call: WireCall): { readonly body: string | Buffer; readonly contentType: string };
  /** Removing a field must leave its parent something (an empty v2 repetition or XML element changes shape). */
  readonly removalNeedsSibling?: boolean;
  /** The key an `added` injection uses in this parent (v2: the next component number). */
  addedKey?(parent: JsonObject): string | undefined;
}

export interface RouteSpec {
  readonly id: string;
  /** Default: JSON as JSON.stringify writes it. */
  readonly wire?: WireFormat;
  /** Compare settings the route file declares beyond the corpus-derived ones (format, facts, keyed segment groups). */
  readonly compare?: Readonly<Record<string, unknown>>;
  /** Pointer templates (and everything beneath) no injection touches: delimiters, generated text's facts. */
  readonly fixed?: readonly string[];
  /** The route's own dirty plan (default: INJECTION_PLAN); `custom` entries go to injectCustom. */
  readonly plan?: readonly Injection[];
  /** Injects a named difference the generic plan cannot express (generated text's facts). */
  injectCustom?(doc: JsonObject, name: string, random: () => number): readonly Truth[];
  /** Ficus route template, e.g. /api/patients/:id/vitals. */
  readonly matchPath: string;
  readonly stickiness: { readonly path: string } | { readonly query: string };
  /** The request URL for one case key (the key is the sticky patient id). */
  url(key: string): string;
  /** The document both services agree on for this key (before noise, order and jitter). */
  document(random: () => number, key: string): JsonObject;
  readonly noise: readonly NoiseField[];
  /** Arrays legacy returns in a new random order on every call: noise to learn. */
  readonly shuffled: readonly string[];
  /** Arrays the route file declares unordered; the new service returns them in its own order. */
  readonly unordered: readonly string[];
  /** Arrays the route file declares keyed (a relative key pointer, or several: a composite key); new returns its own order. */
  readonly keyed: Readonly<Record<string, string | readonly string[]>>;
  /** Absolute numeric tolerances declared in the route file; new's values jitter within them. */
  readonly numeric: Readonly<Record<string, number>>;
  /** Timestamp tolerances (ms) declared in the route file; new's timestamps jitter within them. */
  readonly timestamp: Readonly<Record<string, number>>;
  /** Objects whose keys are data (dates, accession numbers, surnames): their keys template to `*`. */
  readonly dataMaps: readonly string[];
  /**
   * Numbers both sides write with a fixed number of decimals (`25.50`): pointer template → places.
   * A route with any sets `compare.precision`, so the written form is compared too (kind precision).
   */
  readonly written: Readonly<Record<string, number>>;
  /** Response headers both sides send; every one of them is compared. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Fields no injection touches: identities that keyed matching and the URL rely on. */
export const IDENTITY_FIELDS: ReadonlySet<string> = new Set(['id', 'resourceType']);
