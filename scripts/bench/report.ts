// The benchmark's Markdown: one table per payload size, with ratios to the four reference points.
import type { SizeResult } from './measure.ts';

export interface ConfigurationResult {
  readonly id: string;
  readonly label: string;
  readonly sizes?: Record<string, SizeResult>;
  readonly peakRssMb?: number;
  readonly notes: readonly string[];
  /** Set when the configuration could not be measured. */
  readonly error?: string;
}

export interface Machine {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly nginx: string;
  readonly wrk: string;
  readonly kernel: string;
}

/** The reference points every row is compared to, by configuration id. */
export const REFERENCES = [
  { id: 'direct', column: 'vs direct' },
  { id: 'nginx-peer', column: 'vs nginx' },
  { id: 'http-proxy', column: 'vs http-proxy' },
  { id: 'raw-pipe', column: 'vs raw pipe' },
] as const;

const fixed = (value: number | undefined, digits: number): string => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits));

function ratio(value: number | undefined, reference: number | undefined): string {
  return value && reference ? `${(value / reference).toFixed(2)}×` : '–';
}

export function sizeTable(size: string, results: readonly ConfigurationResult[]): string {
  const byId = new Map(results.map((r) => [r.id, r.sizes?.[size]?.median]));
  const header = ['configuration', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'peak RSS MB', ...REFERENCES.map((r) => `req/s ${r.column}`), ...REFERENCES.slice(2).map((r) => `CPU ${r.column}`)];
  const rows = results.map((result) => {
    const m = result.sizes?.[size]?.median;
    if (!m) return [result.label, `not measured: ${result.error ?? 'no data'}`, ...Array(header.length - 2).fill('')];
    return [
      result.label,
      fixed(m.rps, 0),
      fixed(m.p50Ms, 2),
      fixed(m.p99Ms, 2),
      fixed(m.cpuUsPerRequest, 1),
      fixed(result.peakRssMb, 0),
      ...REFERENCES.map((r) => ratio(m.rps, byId.get(r.id)?.rps)),
      ...REFERENCES.slice(2).map((r) => ratio(m.cpuUsPerRequest, byId.get(r.id)?.cpuUsPerRequest)),
    ];
  });
  return [`### ${size} JSON response`, '', `| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

export interface MemoryCheckRow {
  readonly transfer: string;
  readonly megabytes: number;
  readonly seconds: number;
  readonly baselineRssMb: number;
  readonly peakRssMb: number;
  readonly growthMb: number;
  readonly ok: boolean;
  readonly error?: string;
}

export function memoryTable(rows: readonly MemoryCheckRow[], targetMb: number): string {
  const lines = rows.map((r) =>
    r.error
      ? `| ${r.transfer} | failed: ${r.error} | | | | |`
      : `| ${r.transfer} | ${r.megabytes} MB in ${r.seconds.toFixed(1)} s (${(r.megabytes / r.seconds).toFixed(0)} MB/s) | ${r.baselineRssMb.toFixed(0)} | ${r.peakRssMb.toFixed(0)} | ${r.growthMb.toFixed(1)} | ${r.ok ? 'ok' : 'OVER'} |`,
  );
  return ['### Memory: large bodies streamed through Ficus', '', `Target: RSS growth < ${targetMb} MB.`, '', '| transfer | volume | RSS before MB | RSS peak MB | growth MB | verdict |', '|---|---|---|---|---|---|', ...lines].join('\n');
}
