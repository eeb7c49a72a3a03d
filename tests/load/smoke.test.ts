// Runs the real k6 smoke scenario (load/smoke.ts) through scripts/load.sh, which builds k6 if it is
// missing and starts a real demo proxy on free loopback ports. Keeps the load scripts from rotting.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A cold k6 build takes minutes (about 3.5 on two cores); the smoke itself runs 20 s. */
const SMOKE_TIMEOUT_MS = 15 * 60_000;

interface K6Summary {
  metrics: Record<string, { values: Record<string, number> } | undefined>;
}

describe('k6 smoke against the demo proxy', () => {
  it('passes with zero failed checks and writes its summary', { timeout: SMOKE_TIMEOUT_MS }, () => {
    const resultsDir = mkdtempSync(join(tmpdir(), 'ficus-smoke-'));
    const env: NodeJS.ProcessEnv = { ...process.env, K6_RESULTS_DIR: resultsDir };
    // Always the demo proxy this test starts, never one that happens to be configured in the shell.
    delete env.FICUS_URL;
    delete env.FICUS_ADMIN_URL;

    const run = spawnSync('bash', [join(root, 'scripts/load.sh'), 'smoke'], { cwd: root, env, encoding: 'utf8', timeout: SMOKE_TIMEOUT_MS });

    expect(run.status, `load.sh smoke failed:\n${run.stdout}\n${run.stderr}`).toBe(0);
    const summaryPath = join(resultsDir, 'smoke-summary.json');
    expect(existsSync(summaryPath)).toBe(true);
    const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as K6Summary;
    expect(summary.metrics.checks?.values.fails).toBe(0);
    expect(summary.metrics.checks?.values.passes).toBeGreaterThan(0);
    expect(summary.metrics.proxy_added_latency?.values.count).toBeGreaterThan(0);
  });
});
