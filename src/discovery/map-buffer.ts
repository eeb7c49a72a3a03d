// The map's traffic waiting for the store: one cell per time bucket, mode and template, added to on
// every request (a map lookup, two increments, one histogram bucket) and written in batches.
// Distinct unmatched templates are capped per bucket, so a scan of random paths cannot grow the
// buffer or the table: a template beyond the cap is counted in the bucket's "other" cell.
import type { MapTrafficRow } from '../store/map-traffic.ts';
import { createHistogram, mergeHistogram, recordLatency, type Histogram } from '../store/histogram.ts';

/** Buckets of 5 minutes: a window is read in whole buckets (1h is 12–13 of them, 7d about 2,000). */
export const MAP_BUCKET_MS = 5 * 60_000;

export type ServedAs = 'new' | 'shadow' | 'canary' | 'legacy-route' | 'unmatched';
export const SERVED_AS: readonly ServedAs[] = ['new', 'shadow', 'canary', 'legacy-route', 'unmatched'];

interface Cell {
  readonly bucketMs: number;
  readonly servedAs: ServedAs;
  readonly method: string;
  readonly template: string;
  requests: number;
  errors: number;
  readonly latency: Histogram;
}

export interface MapBuffer {
  /** Counts one request; `method`/`template` are '' for the modes' rows. */
  add(cell: { bucketMs: number; servedAs: ServedAs; method: string; template: string }, failed: boolean, latencyMs: number): void;
  /** Takes everything buffered (the buffer is empty after). */
  take(): MapTrafficRow[];
  /** Puts rows back after a failed write, by addition. */
  restore(rows: readonly MapTrafficRow[]): void;
  size(): number;
}

export function createMapBuffer(maxTemplatesPerBucket: number): MapBuffer {
  let cells = new Map<string, Cell>();
  // bucket → templates this process has counted in it (kept for the two newest buckets only).
  const templatesIn = new Map<number, Set<string>>();

  const cellOf = (bucketMs: number, servedAs: ServedAs, method: string, template: string): Cell => {
    const key = `${bucketMs}\u0000${servedAs}\u0000${method}\u0000${template}`;
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { bucketMs, servedAs, method, template, requests: 0, errors: 0, latency: createHistogram() }));
    return cell;
  };

  const withinCap = (bucketMs: number, key: string): boolean => {
    let seen = templatesIn.get(bucketMs);
    if (!seen) {
      templatesIn.set(bucketMs, (seen = new Set()));
      for (const old of templatesIn.keys()) if (old < bucketMs - MAP_BUCKET_MS) templatesIn.delete(old);
    }
    if (seen.has(key)) return true;
    if (seen.size >= maxTemplatesPerBucket) return false;
    seen.add(key);
    return true;
  };

  return {
    add({ bucketMs, servedAs, method, template }, failed, latencyMs) {
      const counted = servedAs !== 'unmatched' || withinCap(bucketMs, `${method} ${template}`);
      const cell = counted ? cellOf(bucketMs, servedAs, method, template) : cellOf(bucketMs, 'unmatched', '', '');
      cell.requests += 1;
      if (failed) cell.errors += 1;
      recordLatency(cell.latency, latencyMs);
    },
    take() {
      const rows = [...cells.values()];
      cells = new Map();
      return rows;
    },
    restore(rows) {
      for (const row of rows) {
        const cell = cellOf(row.bucketMs, row.servedAs as ServedAs, row.method, row.template);
        cell.requests += row.requests;
        cell.errors += row.errors;
        mergeHistogram(cell.latency, row.latency);
      }
    },
    size: () => cells.size,
  };
}
