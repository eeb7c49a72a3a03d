// Issue #12's targets, each as a ratio (or a latency) computed from one bench run, with a verdict
// and the reason behind the figure. Pure: report.ts renders it, tests/bench checks it.
import type { BenchRun } from './bench-run.ts';

export type Verdict = 'met' | 'stretch met' | 'not met' | 'not measured' | 'not available in this build';

export interface TargetRow {
  readonly id: string;
  readonly target: string;
  readonly goal: string;
  readonly measured: string;
  readonly verdict: Verdict;
  readonly why: string;
}

const x = (n: number) => `${n.toFixed(2)}×`;
const ms = (n: number) => `${n.toFixed(2)} ms`;

function cpuOf(run: BenchRun, id: string, size = '1k'): number | undefined {
  const value = run.results.find((r) => r.id === id)?.sizes?.[size]?.median.cpuUsPerRequest;
  return value === undefined || Number.isNaN(value) ? undefined : value;
}

/** A CPU ratio row: `of` over `over` at 1 KB, met at or below `goal`. */
function cpuRatio(run: BenchRun, id: string, target: string, of: string, over: string, goal: number, why: (ratio: number, addedUs: number) => string, stretch?: number): TargetRow {
  const a = cpuOf(run, of);
  const b = cpuOf(run, over);
  const goalText = `≤ ${goal}×${stretch ? ` (stretch ${stretch}×)` : ''}`;
  if (a === undefined || b === undefined) return { id, target, goal: goalText, measured: '–', verdict: 'not measured', why: `${a === undefined ? of : over} was not measured in this run` };
  const ratio = a / b;
  const verdict: Verdict = stretch !== undefined && ratio <= stretch ? 'stretch met' : ratio <= goal ? 'met' : 'not met';
  return { id, target, goal: goalText, measured: `${x(ratio)} (${a.toFixed(0)} vs ${b.toFixed(0)} µs/req)`, verdict, why: why(ratio, a - b) + saturation(run, [of, over]) };
}

/** A caveat when the machine was saturated during the rows' median rounds (other engineers' work). */
function saturation(run: BenchRun, ids: readonly string[]): string {
  const busy = Math.max(...ids.map((id) => run.results.find((r) => r.id === id)?.sizes?.['1k']?.median.machineBusyCpus ?? 0));
  const spread = Math.max(...ids.map((id) => spreadOf(run, id)));
  return busy >= run.machine.nproc * 0.95 ? ` — caveat: the machine was saturated (${busy.toFixed(2)} of ${run.machine.nproc} CPUs busy; rounds of one row differ by up to ${(spread * 100).toFixed(0)}%)` : '';
}

function spreadOf(run: BenchRun, id: string): number {
  const rounds = run.results.find((r) => r.id === id)?.sizes?.['1k']?.rounds.map((r) => r.cpuUsPerRequest).filter((v) => !Number.isNaN(v)) ?? [];
  return rounds.length > 1 ? Math.max(...rounds) / Math.min(...rounds) - 1 : 0;
}

/** When k6 could not start 1% of the requests on time, the rate was not held: the machine, not Ficus, is measured. */
function rateNotHeld(result: { droppedIterations: number; small?: { count: number } }): string {
  const planned = result.droppedIterations + (result.small?.count ?? 0);
  return result.droppedIterations > planned * 0.01 ? ` — caveat: k6 could not start ${result.droppedIterations} of ${planned} requests on time, so the machine was saturated and this latency is mostly queueing outside Ficus` : '';
}

export function evaluateTargets(run: BenchRun): TargetRow[] {
  const library = run.results.find((r) => r.id === 'library-proxy')?.library ?? 'the forwarding library';
  const rows: TargetRow[] = [
    cpuRatio(run, 'passthrough-vs-raw', 'pass-through CPU/req vs the raw Node http.request pipe', 'ficus-legacy', 'raw-pipe', 1.2,
      (_, added) => `Ficus adds ${added.toFixed(0)} µs/req over a pipe that does nothing a proxy must: header hygiene, X-Forwarded-*, Server-Timing, trace context, route match, flag decision, access log line, metrics; ${library} alone costs more than the raw pipe (next row) — see "What each microsecond buys"`, 1.1),
    cpuRatio(run, 'passthrough-vs-library', `pass-through CPU/req vs plain ${library} with a keep-alive agent`, 'ficus-legacy', 'library-proxy', 1.0,
      (ratio, added) => (ratio <= 1 ? `Ficus bypasses ${library}'s per-request work it would redo (header copies, URL joins), which pays for its own features` : `Ficus does all of ${library}'s work plus ${added.toFixed(0)} µs/req of its own features`)),
    cpuRatio(run, 'tracing', 'tracing on (OTLP export, 100% sampled) vs pass-through', 'ficus-tracing', 'ficus-legacy', 1.3,
      (_, added) => `own spans (no auto-instrumentation) with a batch processor: ${added.toFixed(0)} µs/req to build, end and export a request's spans`),
    cpuRatio(run, 'propagation', 'trace context propagated, no exporter (client traceparent continued) vs pass-through', 'ficus-traceparent', 'ficus-legacy', 1.05,
      () => 'non-recording: parse the caller\'s traceparent, mint a span id from a pooled CSPRNG, write one header (the pass-through row already originates one per request); both sides of the ratio propagate, so it shows continuing vs originating'),
    cpuRatio(run, 'shadow', 'shadow (every request copied to the new service and compared) vs pass-through', 'ficus-shadow', 'ficus-legacy', 1.6,
      (_, added) => `a mirrored request is a second upstream HTTP exchange from the same process (the raw pipe costs ${cpuOf(run, 'raw-pipe')?.toFixed(0) ?? '?'} µs for one) plus the comparison; ${added.toFixed(0)} µs/req in all`),
    workersRow(run),
    addedLatencyRow(run),
    shadowLatencyRow(run),
  ];
  return rows;
}

function workersRow(run: BenchRun): TargetRow {
  const base = { id: 'workers', target: '`--workers 2` requests/s vs one worker (2 cores shared with wrk and the origin)', goal: '≥ 1.5×' };
  const w = run.workers;
  if (!w || !w.available) return { ...base, measured: '–', verdict: 'not available in this build', why: w?.reason ?? 'not run' };
  const one = w.one?.median.rps;
  const two = w.two?.median.rps;
  if (!one || !two) return { ...base, measured: '–', verdict: 'not measured', why: w.reason ?? 'a round failed' };
  const ratio = two / one;
  return { ...base, measured: `${x(ratio)} (${two.toFixed(0)} vs ${one.toFixed(0)} req/s)`, verdict: ratio >= 1.5 ? 'met' : 'not met', why: `machine busy ${w.two?.median.machineBusyCpus.toFixed(2)} CPUs with two workers: wrk and nginx take the rest of the 2 cores` };
}

function addedLatencyRow(run: BenchRun): TargetRow {
  const a = run.addedLatency;
  const base = { id: 'added-latency', target: `added latency p99 (client time to first byte minus Server-Timing upstream) at ${a?.rate ?? 1000} req/s open-loop, 1 KB`, goal: '≤ 1 ms' };
  const p99 = a?.result?.smallAdded?.p99;
  if (!a || p99 === undefined) return { ...base, measured: '–', verdict: 'not measured', why: a?.error ?? 'not run' };
  const r = a.result!;
  return {
    ...base,
    measured: `${ms(p99)} (p50 ${ms(r.smallAdded!.p50)}, ${r.smallAdded!.count} requests${r.droppedIterations ? `, ${r.droppedIterations} not started on time` : ''})`,
    verdict: p99 <= 1 ? 'met' : 'not met',
    why: `includes two loopback hops and the client's own scheduling${rateNotHeld(r)}`,
  };
}

function shadowLatencyRow(run: BenchRun): TargetRow {
  const s = run.shadowLatency;
  const base = { id: 'shadow-latency', target: `small pass-through p99 while a route shadows 250 KB Bundles at ${s?.largeRate ?? 50} req/s, minus the same traffic unshadowed`, goal: '≤ +2 ms' };
  const on = s?.shadowed?.result.small?.p99;
  const off = s?.unshadowed?.result.small?.p99;
  if (!s || on === undefined || off === undefined) return { ...base, measured: '–', verdict: 'not measured', why: s?.error ?? 'not run' };
  const delta = on - off;
  const eld = (e: { p99?: number; max?: number } | undefined) => (e?.p99 !== undefined ? `p99 ${(e.p99 * 1000).toFixed(1)} / max ${((e.max ?? 0) * 1000).toFixed(1)} ms` : 'n/a');
  return {
    ...base,
    measured: `${delta >= 0 ? '+' : ''}${ms(delta)} (${ms(on)} vs ${ms(off)}); event-loop delay shadowed ${eld(s.shadowed?.eventLoop)}, unshadowed ${eld(s.unshadowed?.eventLoop)}`,
    verdict: delta <= 2 ? 'met' : 'not met',
    why: `${s.shadowed?.compared ?? 0} comparisons finished during the shadowed run; event-loop delay is Ficus's own stall, the p99 difference what clinicians would feel${rateNotHeld(s.shadowed!.result)}`,
  };
}
