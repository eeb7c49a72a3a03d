// `npm run bench:profile`: where a Ficus request's CPU goes. Starts the benchmark's nginx origin
// and one Ficus under `node --cpu-prof`, drives it with wrk (1 KB, like the bench), stops it (the
// profile is written on exit) and prints the named parts of a request and the hottest functions in
// µs per request. Profile before optimising: read the top frames, then change code.
//   node_modules/.bin/node scripts/bench/profile.ts [legacy|passthrough|tracing|shadow] [seconds]
// Env: BENCH_CONNECTIONS (50). Writes the .cpuprofile (open it in Chrome DevTools) next to the output.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './baselines.ts';
import { REQUEST_PARTS, renderProfileSummary, summariseProfile } from './cpu-profile.ts';
import type { CpuProfile } from './cpu-profile.ts';
import { startFicus } from './ficus.ts';
import { cpuPlan } from './machine.ts';
import { startOrigin } from './nginx.ts';
import { startOtlpSink } from './otlp-sink.ts';
import { stopProcess } from './processes.ts';
import { runWrk } from './wrk.ts';
import os from 'node:os';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const variant = (process.argv[2] ?? 'legacy') as 'legacy' | 'passthrough' | 'tracing' | 'shadow';
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
    mode: { mode: variant === 'shadow' ? 'shadow' : 'legacy' }, cpus: cpus.proxy, env,
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=200'],
  });
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
} finally {
  await stopProcess(origin);
  await otlp.close();
}
