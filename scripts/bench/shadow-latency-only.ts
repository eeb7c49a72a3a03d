// Only the "comparison off the event loop" target of `npm run bench` (shadow-latency.ts), for
// before/after measurements of the comparison path (~2 minutes instead of ~9):
//   node_modules/.bin/node scripts/bench/shadow-latency-only.ts [seconds=20] [rounds=2]
// Prints each round and the best of each side: small-request p99, event-loop delay p99/max from
// Ficus's /metrics, and comparisons finished.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './baselines.ts';
import { startOrigin } from './nginx.ts';
import { stopProcess } from './processes.ts';
import { runShadowLatency } from './shadow-latency.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const seconds = Number(process.argv[2] ?? 20);
const rounds = Number(process.argv[3] ?? 2);
const workDir = mkdtempSync(join(tmpdir(), 'ficus-shadow-latency-'));
const [originPort, newPort] = [await freePort(), await freePort()];
const origin = await startOrigin(workDir, originPort, newPort, undefined);
const log = (line: string): void => void process.stderr.write(`${line}\n`);
try {
  const run = await runShadowLatency({ projectRoot, workDir, legacyUrl: `http://127.0.0.1:${originPort}`, newUrl: `http://127.0.0.1:${newPort}`, seconds, rounds, smallRate: 200, largeRate: 50 }, log);
  if (run.error) throw new Error(run.error);
  for (const side of ['unshadowed', 'shadowed'] as const) {
    const s = run[side];
    const ms = (v: number | undefined) => (v === undefined ? '–' : (v * 1000).toFixed(1));
    process.stdout.write(`${side}: small p99 ${s?.result.small?.p99.toFixed(2)} ms, event-loop delay p99 ${ms(s?.eventLoop?.p99)} / max ${ms(s?.eventLoop?.max)} ms, comparisons ${s?.compared}, not started on time ${s?.result.droppedIterations}\n`);
  }
} finally {
  await stopProcess(origin);
}
