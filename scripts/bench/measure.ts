// Measures one running configuration: warm-up, then rounds of wrk per payload size, charging CPU
// to the configuration's own process tree. Reports the median round (by requests/s).
import os from 'node:os';
import { cpuMicros, machineCpu, peakRssMb } from './proc.ts';
import { requestsPerSecond, runWrk } from './wrk.ts';
import type { WrkSettings } from './wrk.ts';

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

async function measureRound(url: string, size: string, pid: number, wrk: WrkSettings): Promise<RoundResult> {
  const loadAverage = os.loadavg()[0] ?? 0;
  const machineBefore = machineCpu();
  const cpuBefore = cpuMicros(pid);
  const result = await runWrk(url, size, wrk);
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

function medianByRps(rounds: readonly RoundResult[]): RoundResult {
  const sorted = [...rounds].sort((a, b) => a.rps - b.rps);
  const median = sorted[Math.floor(sorted.length / 2)];
  if (!median) throw new Error('no rounds measured');
  return median;
}

/** `pid` is the process whose CPU and memory count (the proxy, or nginx itself for "direct"). */
export async function measureConfiguration(url: string, pid: number, settings: MeasureSettings, log: (line: string) => void): Promise<{ sizes: Record<string, SizeResult>; peakRssMb: number }> {
  await runWrk(url, settings.sizes[0] ?? '1k', { ...settings.wrk, seconds: settings.warmupSeconds });
  const sizes: Record<string, SizeResult> = {};
  for (const size of settings.sizes) {
    const rounds: RoundResult[] = [];
    for (let round = 1; round <= settings.rounds; round++) {
      const result = await measureRound(url, size, pid, settings.wrk);
      log(`    ${size} round ${round}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, ${result.cpuUsPerRequest.toFixed(1)} µs CPU/req, load avg ${result.loadAverage.toFixed(1)}, machine busy ${result.machineBusyCpus.toFixed(2)} CPUs${result.errors || result.non2xx ? `, ${result.errors} socket errors, ${result.non2xx} non-2xx` : ''}`);
      rounds.push(result);
    }
    sizes[size] = { median: medianByRps(rounds), rounds };
  }
  return { sizes, peakRssMb: peakRssMb(pid) };
}
