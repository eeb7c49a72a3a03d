// Runs once before the whole suite: makes the real services the tests need available.
// Test files read the resulting URLs from the environment (inherited by every worker process).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default function setup(): void {
  if (!process.env.FICUS_TEST_PG_URL) {
    const out = execFileSync('bash', [`${root}/scripts/setup-postgres.sh`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const url = out.trim().split('\n').pop();
    if (!url?.startsWith('postgres://')) throw new Error(`setup-postgres.sh printed no URL: ${out}`);
    process.env.FICUS_TEST_PG_URL = url;
  }
}
