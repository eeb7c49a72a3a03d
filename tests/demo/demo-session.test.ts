// `npm start` as a user sees it, through the real entry point (a child process, real sockets on
// port 0, stderr piped so it is not a TTY): the banner and summary lines on the terminal, every
// request in the log file, `ficus set` changing the demo's own flags and not the checkout, and
// demo:reset refusing while the demo runs and starting over after.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const node = process.execPath;
const checkoutFlags = join(root, 'flags/features.json');
const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

let child: ChildProcess;
let stderr = '';
let dataDir: string;
let proxyUrl: string;
let adminUrl: string;
let checkoutFlagsBefore: string;

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr so far:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'ficus-demo-')), 'demo');
  checkoutFlagsBefore = digest(checkoutFlags);
  child = spawn(node, ['src/main.ts', 'start', '--demo', '--port', '0', '--admin-port', '0', '--data-dir', dataDir], {
    cwd: root,
    env: { ...process.env, FICUS_DEMO_LEGACY_PORT: '0', FICUS_DEMO_NEW_PORT: '0', FICUS_DEMO_SUMMARY_INTERVAL_MS: '200', FICUS_ADMIN_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stderr += `[stdout] ${chunk}`));
  proxyUrl = await until('the banner', () => /^ {2}proxy +(http:\/\/\S+)/m.exec(stderr)?.[1]);
  adminUrl = await until('the admin URL', () => /^ {2}admin API +(http:\/\/\S+)/m.exec(stderr)?.[1]);
}, 60_000);

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
});

describe('the demo terminal', () => {
  it('shows the banner and a traffic summary, and writes every request to the log file only', async () => {
    for (let i = 0; i < 20; i++) expect((await fetch(`${proxyUrl}/fhir/Patient/pat-000${(i % 9) + 1}`)).status).toBe(200);
    const summary = await until('a summary line counting the traffic', () => /^\d\d:\d\d:\d\d {2}[\d.]+ req\/s · .*shadow [\d.]+ · compared \d+ · mismatches \d+.*$/m.exec(stderr)?.[0]);
    expect(summary).not.toMatch(/^\S+ {2}0\.0 req\/s/);
    expect(stderr).not.toMatch(/^\{/m); // no JSON log line reaches the terminal
    expect(stderr).not.toContain('\x1b['); // not a TTY: plain lines, no escape codes
    const logged = await until('20 request lines in the log file', () => {
      const lines = readFileSync(join(dataDir, 'ficus.log'), 'utf8').split('\n').filter((l) => l.includes('"event":"request"'));
      return lines.length >= 20 ? lines : undefined;
    });
    expect(logged.length).toBe(20);
  });

  it('changes the demo copy of the flags on `set`, never the checkout flags/', async () => {
    const response = await fetch(`${adminUrl}/api/routes/patient-read/mode`, {
      method: 'PUT',
      headers: { authorization: 'Bearer demo-operator-token', 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'legacy', reason: 'demo test: back to legacy' }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const demoFlags = JSON.parse(readFileSync(join(dataDir, 'flags/features.json'), 'utf8')) as { features: { name: string; enabled: boolean }[] };
    expect(demoFlags.features.find((f) => f.name === 'ficus.patient-read')?.enabled).toBe(false);
    expect(digest(checkoutFlags)).toBe(checkoutFlagsBefore);
  });

  it('refuses demo:reset while the demo runs, and starts over once it has stopped', async () => {
    const reset = () => spawnSync(node, ['scripts/demo-reset.ts', '--data-dir', dataDir], { cwd: root, encoding: 'utf8' });
    const refused = reset();
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('a demo is running');
    expect(existsSync(join(dataDir, 'ficus.db'))).toBe(true);

    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
    expect(existsSync(join(dataDir, 'demo.pid'))).toBe(false);
    const done = reset();
    expect(done.status, done.stderr).toBe(0);
    expect(existsSync(dataDir)).toBe(false);
  });
});
