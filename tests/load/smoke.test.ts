// Runs the real k6 smoke scenario (load/smoke.ts) through scripts/load.sh, which starts a real demo
// proxy on free loopback ports. Keeps the load scripts from rotting.
// k6 is built before the suite (`npm run k6:build`; .ci/run does it beside npm ci), never in here:
// a cold build is minutes of silence inside a test. A missing k6 fails this test with that command.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The smoke runs 20 s; the rest is the demo proxy starting and draining on a busy machine. */
const SMOKE_TIMEOUT_MS = 3 * 60_000;

/** The k6 the suite uses: $K6_BIN, else the one scripts/build-k6.sh puts in .tools/bin. */
const k6Binary = process.env.K6_BIN ?? join(root, '.tools/bin/k6');

interface K6Summary {
  metrics: Record<string, { values: Record<string, number> } | undefined>;
}

describe('k6 smoke against the demo proxy', () => {
  it('passes with zero failed checks and writes its summary', { timeout: SMOKE_TIMEOUT_MS }, () => {
    if (!existsSync(k6Binary)) {
      throw new Error(`k6 is not built (no ${k6Binary}). Build it before the suite: npm run k6:build (needs Go >= 1.25; see README "Load testing").`);
    }
    const resultsDir = mkdtempSync(join(tmpdir(), 'ficus-smoke-'));
    const env: NodeJS.ProcessEnv = { ...process.env, K6_RESULTS_DIR: resultsDir, K6_BIN: k6Binary };
    // Always the demo proxy this test starts, never one that happens to be configured in the shell.
    delete env.FICUS_URL;
    delete env.FICUS_ADMIN_URL;

    const run = spawnSync('bash', [join(root, 'scripts/load.sh'), 'smoke'], { cwd: root, env, encoding: 'utf8', timeout: SMOKE_TIMEOUT_MS - 10_000 });

    expect(run.status, `load.sh smoke failed:\n${run.stdout}\n${run.stderr}`).toBe(0);
    const summaryPath = join(resultsDir, 'smoke-summary.json');
    expect(existsSync(summaryPath)).toBe(true);
    const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as K6Summary;
    expect(summary.metrics.checks?.values.fails).toBe(0);
    expect(summary.metrics.checks?.values.passes).toBeGreaterThan(0);
    expect(summary.metrics.proxy_added_latency?.values.count).toBeGreaterThan(0);
  });
});
