// handleSummary for every scenario: the full k6 summary as JSON plus a short text digest, both in
// RESULTS_DIR (load/results/ by default), and the digest on stdout.
import { RESULTS_DIR } from './target.ts';

interface MetricSummary {
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}
export interface SummaryData {
  metrics: Record<string, MetricSummary | undefined>;
  state: { testRunDurationMs: number };
}

export function writeSummary(scenario: string, data: SummaryData): Record<string, string> {
  const text = describe(scenario, data);
  return {
    [`${RESULTS_DIR}/${scenario}-summary.json`]: JSON.stringify(data, null, 2),
    [`${RESULTS_DIR}/${scenario}-summary.txt`]: text,
    stdout: text,
  };
}

function describe(scenario: string, data: SummaryData): string {
  const value = (metric: string, stat: string): number => data.metrics[metric]?.values[stat] ?? 0;
  const lines = [
    `ficus load: ${scenario} (${(data.state.testRunDurationMs / 1000).toFixed(0)} s)`,
    `  requests ${value('http_reqs', 'count')} (${value('http_reqs', 'rate').toFixed(1)}/s), failed ${(value('http_req_failed', 'rate') * 100).toFixed(3)}%`,
    `  checks passed ${value('checks', 'passes')}, failed ${value('checks', 'fails')}`,
    `  iterations ${value('iterations', 'count')}, dropped ${value('dropped_iterations', 'count')}`,
    '  proxy_added_latency (ms)                           p50     p95     p99     max    count',
    ...latencyRows(data),
    '  thresholds',
    ...thresholdRows(data),
  ];
  return lines.join('\n') + '\n';
}

function latencyRows(data: SummaryData): string[] {
  const rows: string[] = [];
  // 'all' first, then the per-mode rows, then the per-route rows.
  const names = Object.keys(data.metrics).filter((name) => name.startsWith('proxy_added_latency')).sort();
  for (const name of names) {
    const metric = data.metrics[name];
    if (!metric) continue;
    const v = metric.values;
    if (!v.count) continue;
    const label = name === 'proxy_added_latency' ? 'all' : name.slice('proxy_added_latency'.length + 1, -1);
    const cells = [v.med, v['p(95)'], v['p(99)'], v.max].map((ms) => (ms ?? 0).toFixed(2).padStart(7));
    rows.push(`    ${label.padEnd(46)} ${cells.join(' ')} ${String(v.count).padStart(8)}`);
  }
  return rows;
}

function thresholdRows(data: SummaryData): string[] {
  const rows: string[] = [];
  for (const [name, metric] of Object.entries(data.metrics)) {
    for (const [expression, result] of Object.entries(metric?.thresholds ?? {})) {
      if (expression === 'max>=0') continue; // visibility-only rows (see options.ts)
      rows.push(`    ${result.ok ? 'ok  ' : 'FAIL'} ${name}: ${expression}`);
    }
  }
  return rows;
}
