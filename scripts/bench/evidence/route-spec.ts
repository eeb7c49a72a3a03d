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

export interface RouteSpec {
  readonly id: string;
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
