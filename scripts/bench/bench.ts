// `npm run bench`: Ficus side by side with its reference points, in one run, on loopback, against
// the same nginx upstream. Writes load/results/bench.json and scripts/bench/LATEST.md, and prints
// the Markdown. See scripts/bench/README.md for what each configuration means and how to read it.
//   node_modules/.bin/node scripts/bench/bench.ts
// Env: BENCH_SECONDS (10) BENCH_ROUNDS (3) BENCH_WARMUP_SECONDS (3) BENCH_CONNECTIONS (50)
//      BENCH_THREADS (1) BENCH_ONLY=id,id  BENCH_SKIP_MEMORY=1  BENCH_MEMORY_MB (500)
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuPlan, describeMachine } from './machine.ts';
import { measureConfiguration } from './measure.ts';
import type { MeasureSettings } from './measure.ts';
import { runMemoryCheck } from './memory-run.ts';
import { startOrigin, startPeer } from './nginx.ts';
import { startOtlpSink } from './otlp-sink.ts';
import { freePort, startBaseline } from './baselines.ts';
import { observedModes, servedByCounts, startFicus } from './ficus.ts';
import type { FicusMode } from './ficus.ts';
import { stopProcess } from './processes.ts';
import type { Started } from './processes.ts';
import { renderMarkdown } from './report.ts';
import type { BenchRun, ConfigurationResult } from './report.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const numberFromEnv = (name: string, fallback: number): number => (process.env[name] ? Number(process.env[name]) : fallback);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** A configuration starts its proxy (or nothing, for direct) and says which process to charge. */
interface Configuration {
  readonly id: string;
  readonly label: string;
  readonly start: (ctx: Context) => Promise<Running>;
}

interface Running {
  readonly url: string;
  readonly process: Started;
  readonly owned: boolean;
  readonly notes: string[];
  /** Facts to record once the load is over (e.g. which upstream Ficus served from). */
  readonly afterwards?: () => string[];
}

interface Context {
  readonly originUrl: string;
  readonly origin: Started;
  readonly workDir: string;
  readonly proxyCpus: string | undefined;
  readonly otlpUrl: string;
}

function ficusConfiguration(id: string, label: string, mode: FicusMode, tracing: boolean): Configuration {
  return {
    id,
    label,
    start: async (ctx) => {
      const env: NodeJS.ProcessEnv = tracing
        ? { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: ctx.otlpUrl, OTEL_TRACES_SAMPLER: 'always_on', OTEL_SERVICE_NAME: 'ficus-bench' }
        : {};
      const ficus = await startFicus({ projectRoot, dir: join(ctx.workDir, id), name: id, legacyUrl: ctx.originUrl, newUrl: ctx.originUrl, mode, cpus: ctx.proxyCpus, env });
      const modes = await observedModes(ficus.proxyUrl);
      return {
        url: ficus.proxyUrl,
        process: ficus.started,
        owned: true,
        notes: [`modes seen for 40 patients: ${JSON.stringify(modes)}`],
        afterwards: () => [`served by, from its access log: ${JSON.stringify(servedByCounts(ficus.started.logPath))}`],
      };
    },
  };
}

const CONFIGURATIONS: readonly Configuration[] = [
  { id: 'direct', label: 'direct to nginx (the limit)', start: async (ctx) => ({ url: ctx.originUrl, process: ctx.origin, owned: false, notes: ['CPU and RSS are the origin nginx itself'] }) },
  {
    id: 'nginx-peer',
    label: 'nginx proxy_pass, keepalive (the peer)',
    start: async (ctx) => {
      const port = await freePort();
      const peer = await startPeer(ctx.workDir, port, Number(new URL(ctx.originUrl).port), ctx.proxyCpus);
      return { url: `http://127.0.0.1:${port}`, process: peer, owned: true, notes: [] };
    },
  },
  { id: 'http-proxy', label: 'plain http-proxy, keep-alive agent (library baseline)', start: async (ctx) => ({ ...(await startBaseline('http-proxy', ctx)), owned: true, notes: [] }) },
  { id: 'raw-pipe', label: 'raw Node http.request pipe (the floor)', start: async (ctx) => ({ ...(await startBaseline('raw-pipe', ctx)), owned: true, notes: [] }) },
  ficusConfiguration('ficus-legacy', 'Ficus, legacy pass-through', { mode: 'legacy' }, false),
  ficusConfiguration('ficus-tracing', 'Ficus, legacy + tracing (OTLP, 100%)', { mode: 'legacy' }, true),
  ficusConfiguration('ficus-shadow', 'Ficus, shadow', { mode: 'shadow' }, false),
  ficusConfiguration('ficus-canary', 'Ficus, canary 50%', { mode: 'canary', percent: 50 }, false),
];

async function main(): Promise<void> {
  const machine = await describeMachine(projectRoot);
  const cpus = cpuPlan(machine.nproc);
  const settings: MeasureSettings = {
    wrk: { threads: numberFromEnv('BENCH_THREADS', 1), connections: numberFromEnv('BENCH_CONNECTIONS', 50), seconds: numberFromEnv('BENCH_SECONDS', 10), cpus: cpus.load },
    rounds: numberFromEnv('BENCH_ROUNDS', 3),
    warmupSeconds: numberFromEnv('BENCH_WARMUP_SECONDS', 3),
    sizes: ['1k', '64k'],
  };
  const only = process.env.BENCH_ONLY?.split(',');
  const workDir = mkdtempSync(join(tmpdir(), 'ficus-bench-'));
  log(`bench: ${machine.nproc} CPUs (${machine.cpuModel}), Node ${machine.node}; proxy on CPU ${cpus.proxy ?? 'any'}, origin + wrk on CPU ${cpus.load ?? 'any'}; work dir ${workDir}`);

  const originPort = await freePort();
  const origin = await startOrigin(workDir, originPort, cpus.load);
  const otlp = await startOtlpSink();
  const ctx: Context = { originUrl: `http://127.0.0.1:${originPort}`, origin, workDir, proxyCpus: cpus.proxy, otlpUrl: otlp.url };
  const results: ConfigurationResult[] = [];
  try {
    for (const configuration of CONFIGURATIONS.filter((c) => !only || only.includes(c.id))) {
      log(`  ${configuration.label}`);
      results.push(await runConfiguration(configuration, ctx, settings));
    }
  } finally {
    await stopProcess(origin);
  }
  const tracing = results.find((r) => r.id === 'ficus-tracing');
  if (tracing) (tracing.notes as string[]).push(`OTLP sink received ${JSON.stringify(otlp.received())}`);
  await otlp.close();

  const memory = process.env.BENCH_SKIP_MEMORY === '1' ? [] : await runMemoryCheck(projectRoot, join(workDir, 'memory'), numberFromEnv('BENCH_MEMORY_MB', 500), log);
  const partial = only !== undefined || memory.length === 0;
  writeOutputs({ at: new Date().toISOString(), machine, settings, cpus, results, memory }, partial);
}

async function runConfiguration(configuration: Configuration, ctx: Context, settings: MeasureSettings): Promise<ConfigurationResult> {
  let running: Running | undefined;
  try {
    running = await configuration.start(ctx);
    const measured = await measureConfiguration(running.url, running.process.pid, settings, log);
    running.notes.push(...(running.afterwards?.() ?? []));
    return { id: configuration.id, label: configuration.label, ...measured, notes: running.notes };
  } catch (error) {
    log(`    not measured: ${(error as Error).message.split('\n')[0]}`);
    return { id: configuration.id, label: configuration.label, notes: running?.notes ?? [], error: (error as Error).message.split('\n')[0] ?? 'error' };
  } finally {
    if (running?.owned) {
      const code = await stopProcess(running.process);
      if (code !== 0) running.notes.push(`exit code after SIGTERM: ${code}`);
    }
  }
}

/**
 * A full run replaces load/results/bench.json and the committed LATEST.md; a partial one
 * (BENCH_ONLY, or no memory check) goes to bench-partial.* so it never overwrites the full table.
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
