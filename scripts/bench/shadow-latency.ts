// The "comparison off the event loop" target: small pass-through requests at a steady rate while a
// route gets 250 KB FHIR Bundles at 50 req/s, once with that route in legacy (unshadowed) and once
// in shadow (every Bundle copied to the new service, which answers a slightly different Bundle, and
// compared). Same traffic, open loop (k6), interleaved rounds, best p99 of each side; Ficus and k6
// unpinned, so the comparison workers can use the second core as they would in production.
import { join } from 'node:path';
import { startFicus } from './ficus.ts';
import type { FicusMode } from './ficus.ts';
import { runOpenLoop } from './open-loop.ts';
import { stopProcess } from './processes.ts';
import type { ShadowLatencyRun, ShadowLatencySide } from './bench-run.ts';
import { eventLoopDelayOf, scrapeMetrics, sumOf } from './scrape.ts';
import { runWrk } from './wrk.ts';

export interface ShadowLatencyPlan {
  readonly projectRoot: string;
  readonly workDir: string;
  readonly legacyUrl: string;
  readonly newUrl: string;
  readonly seconds: number;
  readonly rounds: number;
  readonly smallRate: number;
  readonly largeRate: number;
}

const SMALL_PATH = '/bench/small?size=1k';
const LARGE_PATH = '/fhir/Patient/pat-{id}?size=250k';

export async function runShadowLatency(plan: ShadowLatencyPlan, log: (line: string) => void): Promise<ShadowLatencyRun> {
  const base = { smallRate: plan.smallRate, largeRate: plan.largeRate, seconds: plan.seconds };
  const sides: { name: 'unshadowed' | 'shadowed'; mode: FicusMode }[] = [{ name: 'unshadowed', mode: { mode: 'legacy' } }, { name: 'shadowed', mode: { mode: 'shadow' } }];
  const started = await Promise.all(sides.map((side) => startFicus({ projectRoot: plan.projectRoot, dir: join(plan.workDir, `latency-${side.name}`), name: `latency-${side.name}`, legacyUrl: plan.legacyUrl, newUrl: plan.newUrl, mode: side.mode, cpus: undefined, env: {} })));
  try {
    for (const ficus of started) {
      const warm = { threads: 1, connections: 4, seconds: 2, cpus: undefined };
      await runWrk(ficus.proxyUrl, '1k', warm, { path: '/bench/small' });
      await runWrk(ficus.proxyUrl, '250k', warm);
    }
    const best: Partial<Record<'unshadowed' | 'shadowed', ShadowLatencySide>> = {};
    for (let round = 0; round < plan.rounds; round++) {
      for (const [i, side] of sides.entries()) {
        const ficus = started[i]!;
        const before = await scrapeMetrics(ficus.adminUrl); // also starts the event-loop window
        const result = await runOpenLoop({ baseUrl: ficus.proxyUrl, smallRate: plan.smallRate, smallPath: SMALL_PATH, largeRate: plan.largeRate, largePath: LARGE_PATH, seconds: plan.seconds, cpus: undefined, summaryFile: join(plan.workDir, `latency-${side.name}-${round}.json`) });
        const after = await scrapeMetrics(ficus.adminUrl);
        const measured: ShadowLatencySide = { result, eventLoop: eventLoopDelayOf(after), compared: sumOf(after, 'ficus_comparisons_total') - sumOf(before, 'ficus_comparisons_total') };
        log(`    round ${round + 1} ${side.name}: small p99 ${result.small?.p99.toFixed(2)} ms, large p99 ${result.large?.p99.toFixed(1)} ms, event loop p99 ${((measured.eventLoop?.p99 ?? 0) * 1000).toFixed(1)} ms, compared ${measured.compared}, not started on time ${result.droppedIterations}`);
        const kept = best[side.name];
        if (!kept || (result.small?.p99 ?? Infinity) < (kept.result.small?.p99 ?? Infinity)) best[side.name] = measured;
      }
    }
    return { ...base, ...best };
  } catch (error) {
    return { ...base, error: (error as Error).message.split('\n')[0] ?? 'error' };
  } finally {
    await Promise.all(started.map((f) => stopProcess(f.started)));
  }
}
