// `npm run bench:profile`: where a Ficus request's CPU goes. Starts the benchmark's nginx origin
// and one Ficus under `node --cpu-prof`, drives it with wrk (1 KB, like the bench), stops it (the
// profile is written on exit) and prints the named parts of a request and the hottest functions in
// µs per request. Profile before optimising: read the top frames, then change code.
//   node_modules/.bin/node scripts/bench/profile.ts [legacy|passthrough|tracing|shadow|shadow-250k] [seconds]
// shadow-250k is the "comparison off the event loop" scenario (shadow-latency.ts): k6 sends 200 req/s
// of 1 KB plus 50 req/s of 250 KB Bundles on a shadowed route; read it for what the main thread does
// besides proxying (the comparison workers are other threads, not in this profile).
// Env: BENCH_CONNECTIONS (50). Writes the .cpuprofile (open it in Chrome DevTools) next to the output.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './baselines.ts';
import { REQUEST_PARTS, renderProfileSummary, summariseProfile } from './cpu-profile.ts';
import type { CpuProfile } from './cpu-profile.ts';
import { startFicus, type RunningFicus } from './ficus.ts';
import { runOpenLoop } from './open-loop.ts';
import { eventLoopDelayOf, scrapeMetrics, sumOf } from './scrape.ts';
import { cpuPlan } from './machine.ts';
import { startOrigin } from './nginx.ts';
import { startOtlpSink } from './otlp-sink.ts';
import { stopProcess } from './processes.ts';
import { runWrk } from './wrk.ts';
import os from 'node:os';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const variant = (process.argv[2] ?? 'legacy') as 'legacy' | 'passthrough' | 'tracing' | 'shadow' | 'shadow-250k';
const seconds = Number(process.argv[3] ?? 10);
const cpus = cpuPlan(os.availableParallelism());
const workDir = mkdtempSync(join(tmpdir(), 'ficus-profile-'));
const [originPort, newPort] = [await freePort(), await freePort()];
const origin = await startOrigin(workDir, originPort, newPort, cpus.load);
const otlp = await startOtlpSink();
const originUrl = `http://127.0.0.1:${originPort}`;
const newUrl = `http://127.0.0.1:${newPort}`;
const profileDir = join(workDir, 'profile');
try {
  const env: NodeJS.ProcessEnv = variant === 'tracing' ? { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_TRACES_SAMPLER: 'always_on' } : {};
  const ficus = await startFicus({
    projectRoot, dir: join(workDir, 'ficus'), name: 'ficus', legacyUrl: originUrl, newUrl,
    mode: { mode: variant.startsWith('shadow') ? 'shadow' : 'legacy' }, cpus: variant === 'shadow-250k' ? undefined : cpus.proxy, env,
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=200'],
  });
  if (variant === 'shadow-250k') {
    await profileShadowLatency(ficus);
  } else {
  const wrk = { threads: 1, connections: Number(process.env.BENCH_CONNECTIONS ?? 50), seconds, cpus: cpus.load };
  const shape = variant === 'passthrough' ? { path: '/bench/unrouted' } : {};
  const warmup = await runWrk(ficus.proxyUrl, '1k', { ...wrk, seconds: 2 }, shape);
  const result = await runWrk(ficus.proxyUrl, '1k', wrk, shape);
  await stopProcess(ficus.started);
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${profileDir}`);
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile;
  // Warm-up requests are in the profile too: charge the whole profile to every request served.
  const summary = summariseProfile(profile, result.requests + warmup.requests, REQUEST_PARTS, (_, url) => url.endsWith('dispatch/handle-request.ts'));
  process.stdout.write(renderProfileSummary(summary, `Ficus ${variant}, wrk -c${wrk.connections} 1 KB, ${(result.requests / seconds).toFixed(0)} req/s`));
  process.stdout.write(`\nprofile: ${join(profileDir, file)}\n`);
  }
} finally {
  await stopProcess(origin);
  await otlp.close();
}

async function profileShadowLatency(ficus: RunningFicus): Promise<void> {
  const before = await scrapeMetrics(ficus.adminUrl);
  const result = await runOpenLoop({ baseUrl: ficus.proxyUrl, smallRate: 200, smallPath: '/bench/small?size=1k', largeRate: 50, largePath: '/fhir/Patient/pat-{id}?size=250k', seconds, cpus: undefined, summaryFile: join(workDir, 'open-loop.json') });
  const after = await scrapeMetrics(ficus.adminUrl);
  const loop = eventLoopDelayOf(after);
  const compared = sumOf(after, 'ficus_comparisons_total') - sumOf(before, 'ficus_comparisons_total');
  // The drain waits for queued comparisons; the profile is only written once the process exits.
  const stopping = Date.now();
  await stopProcess(ficus.started, 300_000);
  process.stdout.write(`stopped in ${Date.now() - stopping} ms\n`);
  // One profile per thread (CPU.<date>.<time>.<pid>.<thread>.<seq>): thread 0 is the event loop.
  const file = readdirSync(profileDir).find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  if (!file) throw new Error(`no .cpuprofile in ${profileDir}`);
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile;
  const requests = (result.small?.count ?? 0) + (result.large?.count ?? 0);
  const summary = summariseProfile(profile, requests, REQUEST_PARTS, (_, url) => url.endsWith('dispatch/handle-request.ts'), 40);
  process.stdout.write(renderProfileSummary(summary, `Ficus shadowing 250 KB Bundles at 50 req/s + 200 req/s of 1 KB, ${seconds} s (main thread)`));
  process.stdout.write(`\nsmall p99 ${result.small?.p99.toFixed(2)} ms, large p99 ${result.large?.p99.toFixed(1)} ms, event-loop delay p99 ${((loop.p99 ?? 0) * 1000).toFixed(1)} ms / max ${((loop.max ?? 0) * 1000).toFixed(1)} ms, comparisons ${compared}, not started on time ${result.droppedIterations}\n`);
  process.stdout.write(`profile: ${join(profileDir, file)}\n`);
}
