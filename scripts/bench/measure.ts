// Measures configurations side by side: a warm-up each, then rounds in which every configuration
// gets one wrk run in turn (the order rotating), so drift on this shared machine (other engineers'
// tests, thermal) spreads over every configuration instead of landing on one. CPU is charged to
// each configuration's own process tree; the median round is reported.
import os from 'node:os';
import { cpuMicros, machineCpu, peakRssMb } from './proc.ts';
import { requestsPerSecond, runWrk } from './wrk.ts';
import type { WrkRequestShape, WrkSettings } from './wrk.ts';

export interface RoundResult {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuUsPerRequest: number;
  readonly requests: number;
  readonly errors: number;
  readonly non2xx: number;
  /**
   * Noise indicators: the 1-minute load average before the round, and how many CPUs the whole
   * machine kept busy during it. Well above proxy + origin + wrk means someone else was running.
   */
  readonly loadAverage: number;
  readonly machineBusyCpus: number;
}

export interface SizeResult {
  readonly median: RoundResult;
  readonly rounds: readonly RoundResult[];
}

export interface MeasureSettings {
  readonly wrk: WrkSettings;
  readonly rounds: number;
  readonly warmupSeconds: number;
  readonly sizes: readonly string[];
}

/** One row of a table: a running process and the requests it is sent. */
export interface Measured {
  readonly id: string;
  readonly url: string;
  /** The process whose CPU and memory count (the proxy, or nginx itself for "direct"). */
  readonly pid: number;
  readonly shape?: WrkRequestShape;
  /** Payload sizes this row is measured at (a subset of the settings' sizes). */
  readonly sizes: readonly string[];
}

export async function measureRound(url: string, size: string, pid: number, wrk: WrkSettings, shape: WrkRequestShape = {}): Promise<RoundResult> {
  const loadAverage = os.loadavg()[0] ?? 0;
  const machineBefore = machineCpu();
  const cpuBefore = cpuMicros(pid);
  const result = await runWrk(url, size, wrk, shape);
  const cpuUsed = cpuMicros(pid) - cpuBefore;
  const machineAfter = machineCpu();
  const machineBusyCpus = ((machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total)) * os.availableParallelism();
  return {
    rps: requestsPerSecond(result),
    p50Ms: result.p50Us / 1000,
    p99Ms: result.p99Us / 1000,
    cpuUsPerRequest: result.requests > 0 ? cpuUsed / result.requests : Number.NaN,
    requests: result.requests,
    errors: result.errors,
    non2xx: result.non2xx,
    loadAverage,
    machineBusyCpus,
  };
}

/** The round in the middle by `key` (CPU µs/req for cost rows, req/s for throughput rows). */
export function medianRound(rounds: readonly RoundResult[], key: 'cpuUsPerRequest' | 'rps'): RoundResult {
  const sorted = [...rounds].filter((r) => !Number.isNaN(r[key])).sort((a, b) => a[key] - b[key]);
  const median = sorted[Math.floor(sorted.length / 2)];
  if (!median) throw new Error('no rounds measured');
  return median;
}

const describeRound = (r: RoundResult): string =>
  `${r.rps.toFixed(0)} req/s, p99 ${r.p99Ms.toFixed(2)} ms, ${r.cpuUsPerRequest.toFixed(1)} µs CPU/req, machine busy ${r.machineBusyCpus.toFixed(2)} CPUs${r.errors || r.non2xx ? `, ${r.errors} socket errors, ${r.non2xx} non-2xx` : ''}`;

/** Interleaved rounds over `rows`; results by row id, then size. A row that fails is left out and logged. */
export async function measureInterleaved(rows: readonly Measured[], settings: MeasureSettings, medianBy: 'cpuUsPerRequest' | 'rps', log: (line: string) => void): Promise<Map<string, Record<string, SizeResult>>> {
  const results = new Map<string, Record<string, SizeResult>>(rows.map((r) => [r.id, {}]));
  for (const size of settings.sizes) {
    const atSize = rows.filter((r) => r.sizes.includes(size));
    for (const row of atSize) await runWrk(row.url, size, { ...settings.wrk, seconds: settings.warmupSeconds }, row.shape);
    const rounds = new Map<string, RoundResult[]>(atSize.map((r) => [r.id, []]));
    for (let round = 0; round < settings.rounds; round++) {
      // Rotate the order each round so no configuration always runs first (or right after another).
      const order = atSize.map((_, i) => atSize[(i + round) % atSize.length]!);
      for (const row of order) {
        try {
          const result = await measureRound(row.url, size, row.pid, settings.wrk, row.shape);
          log(`    ${size} round ${round + 1} ${row.id}: ${describeRound(result)}`);
          rounds.get(row.id)!.push(result);
        } catch (error) {
          log(`    ${size} round ${round + 1} ${row.id}: failed: ${(error as Error).message.split('\n')[0]}`);
        }
      }
    }
    for (const [id, measured] of rounds) if (measured.length) results.get(id)![size] = { median: medianRound(measured, medianBy), rounds: measured };
  }
  return results;
}

export { peakRssMb };
