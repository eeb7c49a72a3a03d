// The README's autopilot walkthrough, run as written, through the real entry points: `npm start`'s
// `start --demo` (its own data dir, real sockets on port 0), `ficus rollout start`, and
// `npm run demo:traffic -- --rps 60` driving the demo mix. It waits — on the rollout's status,
// with a generous deadline and no timing assertion — until medication-request-search waits for a
// person's approval, then proves every step on the way was decided by the autopilot and audited in
// order with its gate numbers, and that the migration map shows what the demo leaves on legacy.
// It takes minutes (a minute's bake per step): the time it took is printed for the README.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const node = process.execPath;
const ROUTE = 'medication-request-search';
const TOKEN = 'demo-operator-token';
/** Far beyond the ~3–4 minutes the walkthrough takes, so a busy machine is slow, not failing. */
const DEADLINE_MS = 15 * 60_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers read field by field
type Json = Record<string, any>;

let ficus: ChildProcess;
let traffic: ChildProcess | undefined;
let output = '';
let trafficOutput = '';
let dir: string;
let adminUrl: string;
let proxyUrl: string;

async function until<T>(what: string | (() => string), probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}\nficus:\n${output.slice(-3000)}\ntraffic:\n${trafficOutput.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const api = async (path: string): Promise<Json> => (await (await fetch(`${adminUrl}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as Json;
const cli = (...args: string[]) => spawnSync(node, ['bin/ficus.js', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, FICUS_ADMIN_URL: adminUrl, FICUS_ADMIN_TOKEN: TOKEN } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ficus-demo-walkthrough-'));
  ficus = spawn(node, ['src/main.ts', 'start', '--demo', '--port', '0', '--admin-port', '0', '--data-dir', join(dir, 'demo')], {
    cwd: root,
    env: { ...process.env, FICUS_DEMO_LEGACY_PORT: '0', FICUS_DEMO_NEW_PORT: '0', FICUS_ADMIN_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  ficus.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  ficus.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  proxyUrl = await until('the banner', () => /^ {2}proxy +(http:\/\/\S+)/m.exec(output)?.[1], 60_000);
  adminUrl = await until('the admin URL', () => /^ {2}admin API +(http:\/\/\S+)/m.exec(output)?.[1], 60_000);
}, 90_000);

afterAll(async () => {
  for (const child of [traffic, ficus]) {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('the README autopilot walkthrough on the demo', () => {
  it('moves medication-request-search from shadow through canary 5% and 25% to waiting for approval, every step audited in order with its gates', async () => {
    const started = cli('rollout', 'start', ROUTE, '--reason', 'CHG-1050: let the autopilot move it');
    expect(started.status, started.stderr).toBe(0);
    expect(started.stdout).toContain(`${ROUTE}: rollout running`);
    const t0 = Date.now();
    traffic = spawn(node, ['scripts/demo-traffic.ts', '--rps', '60', '--seconds', String(DEADLINE_MS / 1000), '--url', proxyUrl, '--admin', adminUrl], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    traffic.stdout!.setEncoding('utf8').on('data', (chunk: string) => (trafficOutput += chunk));
    traffic.stderr!.setEncoding('utf8').on('data', (chunk: string) => (trafficOutput += chunk));

    const seen: string[] = [];
    let last: Json = {};
    const waiting = await until(() => `the rollout to wait for approval (${seen.join(' → ')}; last decision ${JSON.stringify(last['lastDecision'])})`, async () => {
      const rollout = (await api(`/api/rollouts/${ROUTE}`))['rollout'] as Json;
      last = rollout;
      const step = `${rollout['status']} at ${rollout['step']}`;
      if (seen.at(-1) !== step) seen.push(step);
      if (['stopped', 'aborted', 'completed'].includes(rollout['status'])) throw new Error(`rollout ${rollout['status']}: ${JSON.stringify(rollout['lastDecision'])}`);
      return rollout['status'] === 'awaiting-approval' ? rollout : undefined;
    }, DEADLINE_MS, 2_000);
    const minutes = (Date.now() - t0) / 60_000;
    console.log(`demo walkthrough: ${ROUTE} waited for approval ${minutes.toFixed(1)} min after the traffic started (${seen.join(' → ')})`);
    expect(waiting['step']).toBe('canary 25%');
    expect(waiting['lastDecision']['action']).toBe('await-approval');

    // Every step, in order, decided by the autopilot with the numbers that made it. A busy machine
    // may make a gate fail on fresh evidence (a p99 of copies queued behind the primary): then the
    // step rolls back, audited with the failed gate, and is walked again — fewer than 3 times.
    const entries = ((await api(`/api/audit?route=${ROUTE}&limit=1000`))['entries'] as Json[]).sort((a, b) => a['seq'] - b['seq']);
    const decisions = entries.filter((e) => e['action'] === 'rollout-decision' && e['details']['action'] !== 'hold');
    const moves = decisions.map((e) => `${e['details']['action']} ${e['details']['from']} → ${e['details']['to']}`);
    expect(entries.find((e) => e['action'] === 'rollout-started')?.['seq']).toBeLessThan(decisions[0]?.['seq']);
    expect(moves[0]).toBe('advance legacy → shadow');
    expect(moves.slice(-3)).toEqual(['advance shadow → canary 5%', 'advance canary 5% → canary 25%', 'await-approval canary 25% → canary 25%']);
    const allowed = new Set(['advance shadow → canary 5%', 'advance canary 5% → canary 25%', 'rollback canary 5% → shadow', 'rollback canary 25% → canary 5%']);
    for (const move of moves.slice(1, -3)) expect(allowed, move).toContain(move);
    const rollbacks = decisions.filter((e) => e['details']['action'] === 'rollback');
    expect(rollbacks.length).toBeLessThan(3);
    for (const r of rollbacks) expect((r['details']['gates'] as Json[]).some((g) => g['outcome'] === 'fail'), r['reason']).toBe(true);
    for (const decision of decisions.slice(1).filter((e) => e['details']['action'] !== 'rollback')) {
      const gates = decision['details']['gates'] as Json[];
      expect(gates.map((g) => g['name'])).toEqual(expect.arrayContaining(['bake-time', 'volume', 'readiness', 'error-rate', 'latency-p99', 'breaker']));
      for (const gate of gates) {
        expect(gate['outcome'], `${decision['details']['to']}: ${gate['name']}`).toBe('pass');
        // Shadow leaves error rate and p99 to readiness (its own numbers are in the readiness gate).
        if (!['readiness', 'breaker'].includes(gate['name']) && gate['threshold'] !== 'readiness') expect(`${gate['measured']} ${gate['threshold']}`, gate['name']).toMatch(/\d/);
      }
    }
    // The flag followed every move, flipped by the autopilot and audited as such.
    const flips = entries.filter((e) => (e['action'] === 'mode-change' || e['action'] === 'percent-change') && e['actor'] === 'autopilot');
    const flipped = flips.map((e) => (e['details']['after']['mode'] === 'canary' ? `canary ${e['details']['after']['percent']}%` : e['details']['after']['mode']));
    expect(flipped).toEqual(decisions.filter((e) => e['details']['action'] !== 'await-approval').map((e) => e['details']['to']));

    // `ficus rollout status` says what the person is waited for; the map shows what is left.
    const status = cli('rollout', 'status', ROUTE);
    expect(status.stdout).toContain('awaiting-approval');
    expect(status.stdout).toContain("canary 75% needs a person's approval");
    const map = cli('map', '--window', '1h');
    expect(map.status, map.stderr).toBe(0);
    expect(map.stdout).toMatch(/GET +\/fhir\/Patient /);
    expect(map.stdout).toMatch(/GET +\/reports\/census /);
  }, DEADLINE_MS + 60_000);

  it('runs the rest of the walkthrough as written: approve, pause, resume, abort, then a dry run that flips nothing', () => {
    const run = (...args: string[]) => {
      const result = cli(...args);
      expect(result.status, `ficus ${args.join(' ')}: ${result.stderr}`).toBe(0);
      return result.stdout;
    };
    expect(run('rollout', 'approve', ROUTE, '--reason', 'CHG-1050: evidence reviewed')).toContain('rollout running');
    expect(run('rollout', 'pause', ROUTE, '--reason', 'CHG-1050: night shift')).toContain('rollout paused');
    expect(run('rollout', 'resume', ROUTE, '--reason', 'CHG-1050: day shift')).toContain('rollout running');
    expect(run('rollout', 'abort', ROUTE, '--reason', 'CHG-1050: demo over')).toContain('rollout aborted');
    const before = run('routes', '--json');
    expect(run('rollout', 'start', ROUTE, '--dry-run', '--reason', 'what would it do')).toContain('dry run: no flag is flipped');
    const modeOf = (json: string) => {
      const route = (JSON.parse(json) as { routes: { id: string; mode: string; percent: number }[] }).routes.find((r) => r.id === ROUTE);
      return { mode: route?.mode, percent: route?.percent };
    };
    expect(modeOf(run('routes', '--json'))).toEqual(modeOf(before));
    expect(run('rollout', 'status', ROUTE)).toContain('(dry run)');
  });
});
