// Tuning A/B: several Ficus pass-through processes (route matched, flag off) that differ only in
// node flags or environment, measured in interleaved rounds (wrk, 1 KB) by CPU µs/req from /proc.
// `default-b` is a second, identical default: the A/A gap is the noise floor a variant must beat.
// TUNE_NODE_ARGS adds node flags to every variant (e.g. an --import that logs heap statistics).
//   node_modules/.bin/node scripts/bench/tune.ts
// Env: TUNE_VARIANTS=name,name (default: all below)  TUNE_NODE_ARGS  BENCH_ROUNDS (5)  BENCH_SECONDS (6)  BENCH_CONNECTIONS (50)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './baselines.ts';
import { startFicus } from './ficus.ts';
import type { RunningFicus } from './ficus.ts';
import { cpuPlan, describeMachine } from './machine.ts';
import { measureInterleaved } from './measure.ts';
import { startOrigin } from './nginx.ts';
import { stopProcess } from './processes.ts';

interface Variant { readonly name: string; readonly nodeArgs?: readonly string[]; readonly env?: NodeJS.ProcessEnv }

const VARIANTS: readonly Variant[] = [
  { name: 'default' },
  { name: 'semi16', nodeArgs: ['--max-semi-space-size=16'] },
  { name: 'semi32', nodeArgs: ['--max-semi-space-size=32'] },
  { name: 'semi64', nodeArgs: ['--max-semi-space-size=64'] },
  { name: 'default-b' },
];

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const num = (name: string, fallback: number): number => (process.env[name] ? Number(process.env[name]) : fallback);
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const only = process.env.TUNE_VARIANTS?.split(',');
const variants = VARIANTS.filter((v) => !only || only.includes(v.name));
const extraNodeArgs = process.env.TUNE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];

const machine = await describeMachine(projectRoot);
const cpus = cpuPlan(machine.nproc);
const workDir = mkdtempSync(join(tmpdir(), 'ficus-tune-'));
const [originPort, newPort] = [await freePort(), await freePort()];
const origin = await startOrigin(workDir, originPort, newPort, cpus.load);
const running = new Map<string, RunningFicus>();
try {
  for (const v of variants) {
    running.set(v.name, await startFicus({ projectRoot, dir: join(workDir, v.name), name: v.name, legacyUrl: `http://127.0.0.1:${originPort}`, newUrl: `http://127.0.0.1:${newPort}`, mode: { mode: 'legacy' }, cpus: cpus.proxy, env: v.env ?? {}, nodeArgs: [...extraNodeArgs, ...(v.nodeArgs ?? [])] }));
  }
  const settings = {
    wrk: { threads: 1, connections: num('BENCH_CONNECTIONS', 50), seconds: num('BENCH_SECONDS', 6), cpus: cpus.load },
    rounds: num('BENCH_ROUNDS', 5),
    warmupSeconds: num('BENCH_WARMUP_SECONDS', 3),
    sizes: ['1k'],
  };
  log(`tune: ${variants.map((v) => v.name).join(', ')}; wrk -c${settings.wrk.connections} ${settings.wrk.seconds}s x ${settings.rounds} rounds; work dir ${workDir}`);
  const rows = variants.map((v) => ({ id: v.name, url: running.get(v.name)!.proxyUrl, pid: running.get(v.name)!.started.pid, sizes: ['1k'] }));
  const measured = await measureInterleaved(rows, settings, 'cpuUsPerRequest', log);
  for (const v of variants) {
    const r = measured.get(v.name)?.['1k'];
    if (!r) continue;
    const us = r.rounds.map((x) => x.cpuUsPerRequest).sort((a, b) => a - b);
    process.stdout.write(`${v.name.padEnd(10)} median ${r.median.cpuUsPerRequest.toFixed(1)} µs/req  rounds [${us.map((x) => x.toFixed(1)).join(', ')}]  spread ${(((us.at(-1)! - us[0]!) / r.median.cpuUsPerRequest) * 100).toFixed(0)}%  req/s ${r.median.rps.toFixed(0)}\n`);
  }
} finally {
  for (const r of running.values()) await stopProcess(r.started);
  await stopProcess(origin);
}
