// The benchmark's Markdown: the targets table first (each target, its measured ratio, met or not,
// and why), then the cost table per payload size, the latency runs and the memory check.
import type { BenchRun, ConfigurationResult, MemoryCheckRow } from './bench-run.ts';
import type { SizeResult } from './measure.ts';
import { evaluateTargets } from './targets.ts';

/** The rows every cost row's CPU is compared to, by configuration id. */
const REFERENCES = [
  { id: 'raw-pipe', column: 'CPU vs raw pipe' },
  { id: 'library-proxy', column: 'CPU vs library' },
  { id: 'ficus-legacy', column: 'CPU vs Ficus pass-through' },
] as const;

const fixed = (value: number | undefined, digits: number): string => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits));
const ratio = (value: number | undefined, reference: number | undefined): string => (value && reference ? `${(value / reference).toFixed(2)}×` : '–');
const table = (header: readonly string[], rows: readonly (readonly string[])[]): string[] => [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)];

export function targetsTable(run: BenchRun): string {
  const rows = evaluateTargets(run).map((t) => [t.target, t.goal, t.measured, t.verdict === 'met' || t.verdict === 'stretch met' ? `**${t.verdict}**` : t.verdict, t.why]);
  return ['### Targets (issue #12 item 7)', '', ...table(['target', 'goal', 'measured', 'verdict', 'why'], rows)].join('\n');
}

export function sizeTable(size: string, results: readonly ConfigurationResult[]): string {
  const atSize = results.filter((r) => r.sizes?.[size] || (size === '1k' && r.error));
  const byId = new Map(results.map((r) => [r.id, r.sizes?.[size]?.median]));
  const header = ['configuration', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'peak RSS MB', ...REFERENCES.map((r) => r.column), 'machine busy CPUs'];
  const rows = atSize.map((result) => {
    const m = result.sizes?.[size]?.median;
    if (!m) return [result.label, `not measured: ${result.error ?? 'no data'}`, ...Array<string>(header.length - 2).fill('')];
    return [result.label, fixed(m.rps, 0), fixed(m.p50Ms, 2), fixed(m.p99Ms, 2), fixed(m.cpuUsPerRequest, 1), fixed(result.peakRssMb, 0), ...REFERENCES.map((r) => ratio(m.cpuUsPerRequest, byId.get(r.id)?.cpuUsPerRequest)), fixed(m.machineBusyCpus, 2)];
  });
  return [`### Cost per request, ${size} JSON response (closed loop, median round by CPU µs/req)`, '', ...table(header, rows)].join('\n');
}

function latencySection(run: BenchRun): string[] {
  const out: string[] = [];
  const lat = (s: { p50: number; p99: number; max: number } | undefined) => (s ? `${s.p50.toFixed(2)} / ${s.p99.toFixed(2)} / ${s.max.toFixed(1)}` : '–');
  const a = run.addedLatency;
  const s = run.shadowLatency;
  const rows: string[][] = [];
  if (a?.result) rows.push([`Ficus pass-through, ${a.rate} req/s 1 KB`, lat(a.result.small), lat(a.result.smallAdded), '–', String(a.result.droppedIterations), String(a.result.failures)]);
  for (const [name, side] of [['unshadowed', s?.unshadowed], ['shadowing 250 KB', s?.shadowed]] as const) {
    if (side && s) rows.push([`${s.smallRate} req/s 1 KB pass-through + ${s.largeRate} req/s 250 KB Bundle, ${name}`, lat(side.result.small), lat(side.result.smallAdded), side.eventLoop?.p99 !== undefined ? `${(side.eventLoop.p99 * 1000).toFixed(1)} / ${((side.eventLoop.max ?? 0) * 1000).toFixed(1)}` : '–', String(side.result.droppedIterations), String(side.result.failures)]);
  }
  if (!rows.length) return out;
  out.push('### Latency under open-loop load (k6 constant-arrival-rate)', '', ...table(['load', 'client ms p50 / p99 / max (1 KB)', 'added ms p50 / p99 / max', 'event-loop delay ms p99 / max', 'not started on time', 'failed'], rows), '');
  return out;
}

function workersSection(run: BenchRun): string[] {
  const w = run.workers;
  if (!w) return [];
  if (!w.available) return [`Workers: --workers 2 not available in this build (${w.reason ?? 'refused'}).`, ''];
  const row = (label: string, r: SizeResult | undefined) => [label, fixed(r?.median.rps, 0), fixed(r?.median.p99Ms, 2), fixed(r?.median.cpuUsPerRequest, 1), fixed(r?.median.machineBusyCpus, 2)];
  return [`### Workers (1 KB, wrk -c${w.connections}, unpinned: proxy, wrk and nginx share both cores; median round by req/s)`, '', ...table(['configuration', 'req/s', 'p99 ms', 'CPU µs/req', 'machine busy CPUs'], [row('Ficus, one process', w.one), row('Ficus, --workers 2', w.two)]), ''];
}


export function memoryTable(rows: readonly MemoryCheckRow[], targetMb: number): string {
  const lines = rows.map((r) =>
    r.error
      ? `| ${r.transfer} | failed: ${r.error} | | | | |`
      : `| ${r.transfer} | ${r.megabytes} MB in ${r.seconds.toFixed(1)} s (${(r.megabytes / r.seconds).toFixed(0)} MB/s) | ${r.baselineRssMb.toFixed(0)} | ${r.peakRssMb.toFixed(0)} | ${r.growthMb.toFixed(1)} | ${r.ok ? 'ok' : 'OVER'} |`,
  );
  return ['### Memory: large bodies streamed through Ficus', '', `Target: RSS growth < ${targetMb} MB.`, '', '| transfer | volume | RSS before MB | RSS peak MB | growth MB | verdict |', '|---|---|---|---|---|---|', ...lines].join('\n');
}

export const MEMORY_TARGET_MB = 50;

export function renderMarkdown(run: BenchRun): string {
  const { machine, settings, cpus, results, memory } = run;
  const notes = results.flatMap((r) => r.notes.map((note) => `- ${r.label}: ${note}`));
  return [
    `## Ficus benchmark (${run.at}${run.quick ? ', --quick: one short round, indicative only' : ''})`,
    '',
    `Machine: ${machine.nproc} CPUs, ${machine.cpuModel}, Linux ${machine.kernel}; Node ${machine.node}; ${machine.nginx}; ${machine.wrk}.`,
    `Cost rows: wrk -t${settings.wrk.threads} -c${settings.wrk.connections} -d${settings.wrk.seconds}s, ${settings.rounds} interleaved round(s) after a ${settings.warmupSeconds} s warm-up, median round by CPU µs/req; proxy pinned to CPU ${cpus.proxy ?? 'any'}, origin nginx and load generators to CPU ${cpus.load ?? 'any'}.`,
    'CPU µs/req and peak RSS are the proxy\'s process tree only (the origin nginx for "direct"), from /proc/<pid>/stat and VmHWM.',
    '"machine busy CPUs" above proxy + origin + wrk means other work shared the machine: trust CPU µs/req over req/s and latency then (see README.md).',
    '',
    targetsTable(run),
    '',
    ...settings.sizes.flatMap((size) => [sizeTable(size, results), '']),
    ...workersSection(run),
    ...latencySection(run),
    ...(memory.length ? [memoryTable(memory, MEMORY_TARGET_MB), ''] : []),
    ...(notes.length ? ['Notes:', ...notes, ''] : []),
  ].join('\n');
}
