// The benchmark's Markdown: one table per payload size, with ratios to the four reference points.
import type { MeasureSettings, SizeResult } from './measure.ts';

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
  const header = ['configuration', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'peak RSS MB', ...REFERENCES.map((r) => `req/s ${r.column}`), ...REFERENCES.slice(2).map((r) => `CPU ${r.column}`), 'machine busy CPUs'];
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
      fixed(m.machineBusyCpus, 2),
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

/** Everything one run wrote to load/results/bench.json. */
export interface BenchRun {
  readonly at: string;
  readonly machine: Machine;
  readonly settings: MeasureSettings;
  readonly cpus: { readonly proxy: string | undefined; readonly load: string | undefined };
  readonly results: readonly ConfigurationResult[];
  readonly memory: readonly MemoryCheckRow[];
}

export const MEMORY_TARGET_MB = 50;

export function renderMarkdown(run: BenchRun): string {
  const { machine, settings, cpus, results, memory } = run;
  const notes = results.flatMap((r) => r.notes.map((note) => `- ${r.label}: ${note}`));
  return [
    `## Ficus benchmark (${run.at})`,
    '',
    `Machine: ${machine.nproc} CPUs, ${machine.cpuModel}, Linux ${machine.kernel}; Node ${machine.node}; ${machine.nginx}; ${machine.wrk}.`,
    `Load: wrk -t${settings.wrk.threads} -c${settings.wrk.connections} -d${settings.wrk.seconds}s, ${settings.rounds} rounds after a ${settings.warmupSeconds} s warm-up, median round shown; proxy pinned to CPU ${cpus.proxy ?? 'any'}, origin nginx and wrk to CPU ${cpus.load ?? 'any'}.`,
    'CPU µs/req and peak RSS are the proxy process only (the origin nginx for "direct"), from /proc/<pid>/stat and VmHWM.',
    `"machine busy CPUs" above proxy + origin + wrk means other work shared the machine: trust CPU µs/req over req/s and latency then (see README.md).`,
    '',
    ...settings.sizes.flatMap((size) => [sizeTable(size, results), '']),
    ...(memory.length ? [memoryTable(memory, MEMORY_TARGET_MB), ''] : []),
    ...(notes.length ? ['Notes:', ...notes, ''] : []),
  ].join('\n');
}
