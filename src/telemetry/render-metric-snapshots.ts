// Prometheus text (exposition format 0.0.4) from metric snapshots, for a page assembled from
// several processes' numbers (`--workers`: the primary renders the workers' merged snapshots).
import type { MetricSnapshot } from './proxy-metrics.ts';

export function renderMetricSnapshots(families: readonly MetricSnapshot[]): string {
  const out: string[] = [];
  for (const family of families) {
    out.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.kind}`);
    if (family.kind !== 'histogram') {
      for (const { attributes, value } of family.series) out.push(`${family.name}${braced(labelsOf(attributes))} ${value}`);
      continue;
    }
    for (const s of family.series) {
      const labels = labelsOf(s.attributes);
      const sep = labels ? ',' : '';
      // Snapshot buckets are per bucket (OTLP style); the text format's are cumulative.
      let cumulative = 0;
      family.bounds.forEach((bound, i) => {
        cumulative += s.buckets[i] ?? 0;
        out.push(`${family.name}_bucket{${labels}${sep}le="${bound}"} ${cumulative}`);
      });
      out.push(`${family.name}_bucket{${labels}${sep}le="+Inf"} ${s.count}`, `${family.name}_sum${braced(labels)} ${s.sum}`, `${family.name}_count${braced(labels)} ${s.count}`);
    }
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

function labelsOf(attributes: Readonly<Record<string, string>>): string {
  return Object.entries(attributes).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',');
}

function braced(labels: string): string {
  return labels ? `{${labels}}` : '';
}
