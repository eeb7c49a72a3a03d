// `npm run bench`: every issue #12 target measured side by side in one run, on loopback, against
// the same nginx origin, and printed as a targets table (ratio, met or not, why) followed by the
// figures behind it. Writes load/results/bench.json and scripts/bench/LATEST.md, prints the Markdown.
// See scripts/bench/README.md for what each row means and how to read it.
//   node_modules/.bin/node scripts/bench/bench.ts [--quick]
// --quick: one short round per row, 1 KB only, short latency runs, no memory check (~2 min);
//          indicative only, written to load/results/bench-partial.* (never LATEST.md).
// Env: BENCH_SECONDS BENCH_ROUNDS BENCH_WARMUP_SECONDS BENCH_CONNECTIONS BENCH_THREADS
//      BENCH_ONLY=id,id (configurations)  BENCH_SKIP_MEMORY=1  BENCH_MEMORY_MB (500)  K6_BIN
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './baselines.ts';
import { CONFIGURATIONS } from './configurations.ts';
import type { Configuration, CostContext, Running } from './configurations.ts';
import { cpuPlan, describeMachine } from './machine.ts';
import { measureInterleaved, peakRssMb } from './measure.ts';
import type { MeasureSettings, Measured } from './measure.ts';
import { runMemoryCheck } from './memory-run.ts';
import { startOrigin } from './nginx.ts';
import { runOpenLoop } from './open-loop.ts';
import { startOtlpSink } from './otlp-sink.ts';
import { stopProcess } from './processes.ts';
import { renderMarkdown } from './report.ts';
import type { AddedLatencyRun, BenchRun, ConfigurationResult } from './bench-run.ts';
import { runShadowLatency } from './shadow-latency.ts';
import { runWorkers } from './workers.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const quick = process.argv.includes('--quick');
const numberFromEnv = (name: string, fallback: number): number => (process.env[name] ? Number(process.env[name]) : fallback);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const machine = await describeMachine(projectRoot);
  const cpus = cpuPlan(machine.nproc);
  const settings: MeasureSettings = {
    wrk: { threads: numberFromEnv('BENCH_THREADS', 1), connections: numberFromEnv('BENCH_CONNECTIONS', 50), seconds: numberFromEnv('BENCH_SECONDS', quick ? 3 : 6), cpus: cpus.load },
    rounds: numberFromEnv('BENCH_ROUNDS', quick ? 1 : 3),
    warmupSeconds: numberFromEnv('BENCH_WARMUP_SECONDS', quick ? 1 : 2),
    sizes: quick ? ['1k'] : ['1k', '64k'],
  };
  const only = process.env.BENCH_ONLY?.split(',');
  const workDir = mkdtempSync(join(tmpdir(), 'ficus-bench-'));
  log(`bench${quick ? ' --quick' : ''}: ${machine.nproc} CPUs (${machine.cpuModel}), Node ${machine.node}; proxy on CPU ${cpus.proxy ?? 'any'}, origin + load on CPU ${cpus.load ?? 'any'}; work dir ${workDir}`);

  const [originPort, newPort] = [await freePort(), await freePort()];
  const origin = await startOrigin(workDir, originPort, newPort, cpus.load);
  const otlp = await startOtlpSink();
  const ctx: CostContext = { projectRoot, originUrl: `http://127.0.0.1:${originPort}`, newUrl: `http://127.0.0.1:${newPort}`, origin, workDir, proxyCpus: cpus.proxy, loadCpus: cpus.load, otlpUrl: otlp.url };
  const latencySeconds = quick ? 6 : 20;
  let run: BenchRun;
  try {
    const configurations = CONFIGURATIONS.filter((c) => !only || only.includes(c.id));
    log('  cost per request (interleaved rounds)');
    const { results, addedLatency } = await runCostPhase(configurations, ctx, settings, latencySeconds);
    const tracing = results.find((r) => r.id === 'ficus-tracing');
    if (tracing) (tracing.notes as string[]).push(`OTLP sink received ${JSON.stringify(otlp.received())}`);
    log('  --workers 2 against one process');
    const workers = await runWorkers({ projectRoot, workDir, originUrl: ctx.originUrl, settings }, log);
    log('  small requests while a route shadows 250 KB Bundles');
    const shadowLatency = await runShadowLatency({ projectRoot, workDir, legacyUrl: ctx.originUrl, newUrl: ctx.newUrl, seconds: latencySeconds, rounds: quick ? 1 : 2, smallRate: 200, largeRate: 50 }, log);
    run = { at: new Date().toISOString(), quick, machine, settings, cpus, results, workers, addedLatency, shadowLatency, memory: [] };
  } finally {
    await stopProcess(origin);
    await otlp.close();
  }
  const skipMemory = quick || process.env.BENCH_SKIP_MEMORY === '1';
  const memory = skipMemory ? [] : await runMemoryCheck(projectRoot, join(workDir, 'memory'), numberFromEnv('BENCH_MEMORY_MB', 500), log);
  writeOutputs({ ...run, memory }, quick || only !== undefined || memory.length === 0);
}

/** Starts every configuration, measures their rows interleaved, then the added latency on Ficus pass-through. */
async function runCostPhase(configurations: readonly Configuration[], ctx: CostContext, settings: MeasureSettings, latencySeconds: number): Promise<{ results: ConfigurationResult[]; addedLatency: AddedLatencyRun | undefined }> {
  const running = new Map<string, Running>();
  const failed = new Map<string, string>();
  try {
    for (const configuration of configurations) {
      try {
        running.set(configuration.id, await configuration.start(ctx));
      } catch (error) {
        failed.set(configuration.id, (error as Error).message.split('\n')[0] ?? 'error');
        log(`    ${configuration.id} not started: ${failed.get(configuration.id)}`);
      }
    }
    const rows: Measured[] = configurations.flatMap((c) => {
      const r = running.get(c.id);
      if (!r) return [];
      return c.rows.filter((row) => !quick || !row.context).map((row) => ({ id: row.id, url: r.url, pid: r.process.pid, shape: row.shape, sizes: row.large ? settings.sizes : ['1k'] }));
    });
    const measured = await measureInterleaved(rows, settings, 'cpuUsPerRequest', log);
    const legacy = running.get('ficus-legacy');
    const addedLatency = legacy ? await measureAddedLatency(legacy.url, ctx, latencySeconds) : undefined;
    const results = configurations.flatMap((c) => {
      const r = running.get(c.id);
      const notes = [...(r?.notes ?? []), ...(r?.afterwards?.() ?? [])];
      const rss = r ? peakRssMb(r.process.pid) : undefined;
      return c.rows.filter((row) => !quick || !row.context).map((row, i): ConfigurationResult => ({
        id: row.id,
        label: row.label,
        sizes: measured.get(row.id),
        peakRssMb: rss,
        notes: i === 0 ? notes : [],
        ...(r?.library ? { library: r.library } : {}),
        ...(failed.has(c.id) ? { error: failed.get(c.id) } : {}),
      }));
    });
    return { results, addedLatency };
  } finally {
    for (const r of running.values()) if (r.owned) await stopProcess(r.process);
  }
}

/** Ficus pass-through at a fixed 1,000 req/s (k6 pinned beside the origin): what Ficus adds to time to first byte. */
async function measureAddedLatency(url: string, ctx: CostContext, seconds: number): Promise<AddedLatencyRun> {
  const rate = 1000;
  log(`  added latency at ${rate} req/s`);
  try {
    const result = await runOpenLoop({ baseUrl: url, smallRate: rate, smallPath: '/fhir/Patient/pat-0001?size=1k', seconds, cpus: ctx.loadCpus, summaryFile: join(ctx.workDir, 'added-latency.json') });
    log(`    added p50 ${result.smallAdded?.p50.toFixed(3)} ms, p99 ${result.smallAdded?.p99.toFixed(3)} ms; not started on time ${result.droppedIterations}`);
    return { rate, seconds, result };
  } catch (error) {
    return { rate, seconds, error: (error as Error).message.split('\n')[0] ?? 'error' };
  }
}

/**
 * A full run replaces load/results/bench.json and the committed LATEST.md; a partial one
 * (--quick, BENCH_ONLY, or no memory check) goes to bench-partial.* so it never overwrites the full table.
 */
function writeOutputs(run: BenchRun, partial: boolean): void {
  const resultsDir = join(projectRoot, 'load', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const markdown = renderMarkdown(run);
  writeFileSync(join(resultsDir, partial ? 'bench-partial.json' : 'bench.json'), JSON.stringify(run, null, 2));
  writeFileSync(partial ? join(resultsDir, 'bench-partial.md') : join(projectRoot, 'scripts', 'bench', 'LATEST.md'), markdown);
  process.stdout.write(markdown);
}

await main();
