// The primary's /metrics under `--workers`: one page of merged totals, not one series per worker,
// so dashboards and alert rules written for one process read the same names and labels.
// - counters and histograms are summed across workers (same name and labels);
// - gauges take the largest value across processes (the worst worker's event-loop delay is the one
//   a clinician waits on; the primary alone reports breaker states, flag staleness, kill switch);
// - a worker that exits leaves its counters and histograms in the totals, so they never go down
//   when it is re-forked (Prometheus would read a decrease as a reset and count it again).
import type { MetricSnapshot } from '../telemetry/proxy-metrics.ts';

export interface MetricsMerger {
  /** A process's latest cumulative snapshot, replacing its previous one. */
  update(source: number, snapshot: readonly MetricSnapshot[]): void;
  /** The process exited: its counters stay in the totals, its gauges go. */
  retire(source: number): void;
  /** The merged families, with `extra` (the primary's own) merged in by the same rules. */
  merged(extra?: readonly MetricSnapshot[]): MetricSnapshot[];
}

type Series = { attributes: Readonly<Record<string, string>>; value: number } | { attributes: Readonly<Record<string, string>>; buckets: number[]; sum: number; count: number };

interface MergedFamily {
  readonly head: MetricSnapshot;
  readonly series: Map<string, Series>;
}

export function createMetricsMerger(): MetricsMerger {
  const latest = new Map<number, readonly MetricSnapshot[]>();
  let retired: readonly MetricSnapshot[] = [];

  const mergeAll = (lists: Iterable<readonly MetricSnapshot[]>): MetricSnapshot[] => {
    const families = new Map<string, MergedFamily>();
    for (const list of lists) for (const family of list) addFamily(families, family);
    return [...families.values()].map(toSnapshot);
  };

  return {
    update(source, snapshot) {
      latest.set(source, snapshot);
    },
    retire(source) {
      const last = latest.get(source);
      latest.delete(source);
      if (last) retired = mergeAll([retired, last.filter((f) => f.kind !== 'gauge')]);
    },
    merged(extra = []) {
      return mergeAll([retired, ...latest.values(), extra]);
    },
  };
}

function addFamily(families: Map<string, MergedFamily>, family: MetricSnapshot): void {
  let into = families.get(family.name);
  if (!into) families.set(family.name, (into = { head: family, series: new Map() }));
  if (into.head.kind !== family.kind) return; // one name, one type: a mismatch is a bug, not a sum
  for (const s of family.series) {
    const key = JSON.stringify(Object.entries(s.attributes).sort(([a], [b]) => a.localeCompare(b)));
    const had = into.series.get(key);
    if ('buckets' in s) {
      if (had && 'buckets' in had) {
        s.buckets.forEach((n, i) => (had.buckets[i] = (had.buckets[i] ?? 0) + n));
        had.sum += s.sum;
        had.count += s.count;
      } else into.series.set(key, { attributes: s.attributes, buckets: [...s.buckets], sum: s.sum, count: s.count });
      continue;
    }
    if (!had || 'buckets' in had) into.series.set(key, { attributes: s.attributes, value: s.value });
    else had.value = family.kind === 'gauge' ? Math.max(had.value, s.value) : had.value + s.value;
  }
}

function toSnapshot({ head, series }: MergedFamily): MetricSnapshot {
  const all = [...series.values()];
  if (head.kind === 'histogram') return { ...head, series: all.filter((s) => 'buckets' in s) };
  return { ...head, series: all.filter((s) => 'value' in s) };
}
