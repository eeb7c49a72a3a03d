// The CLI as a real child process against Ficus as a real child process (`node src/main.ts start`
// on port 0; URLs from its "listening" log line).
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ROUTES, writeConfigDirs } from '../support/ficus/config-files.ts';
import { startFicusProcess, stopFicusProcess, type FicusProcess } from '../support/ficus/ficus-process.ts';
import { REPO_ROOT } from '../support/repo-root.ts';
import { startEchoUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { closeServer, listenLoopback } from '../support/upstreams/loopback.ts';

const run = promisify(execFile);
let ficus: FicusProcess;
let dirs: ReturnType<typeof writeConfigDirs>;
const upstreams: TestUpstream[] = [];

beforeAll(async () => {
  upstreams.push(await startEchoUpstream('legacy'), await startEchoUpstream('new'));
  dirs = writeConfigDirs(DEFAULT_ROUTES, { legacy: { url: upstreams[0]!.url }, next: { url: upstreams[1]!.url } }, { 'ficus.items': { mode: 'legacy' }, 'ficus.search': { mode: 'legacy' }, 'ficus.open': { mode: 'legacy' } });
  ficus = await startFicusProcess(['--routes', dirs.routesDir, '--flags', dirs.flagsDir, '--data-dir', dirs.dataDir], { FICUS_ADMIN_TOKEN: 'cli-token', FICUS_LOG_LEVEL: 'info' });
});
afterAll(async () => {
  await stopFicusProcess(ficus);
  await Promise.all(upstreams.map((u) => u.close()));
  dirs?.remove();
});

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['src/main.ts', ...args], {
      cwd: REPO_ROOT, env: { PATH: process.env.PATH, FICUS_ADMIN_URL: ficus.adminUrl, FICUS_ADMIN_TOKEN: 'cli-token', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('ficus CLI', () => {
  it('lists routes as a plain aligned table when piped, and as JSON with --json', async () => {
    const table = await cli(['routes']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ROUTE\s+MODE\s+%\s+COMPARED\s+MATCH\s+P99 LEGACY \/ NEW\s+READINESS/);
    expect(table.stdout).toMatch(/\nitems\s+legacy\s+0\s+0\s+no comparisons\s+- \/ -\s+inconclusive: 0 comparisons, need 100\n/);
    expect(table.stdout).not.toContain('\u001b[');
    const json = JSON.parse((await cli(['routes', '--json'])).stdout);
    expect(json.routes.map((r: { id: string }) => r.id)).toEqual(['items', 'search', 'open']);
  });

  it('sets a mode with a reason; the audit log names the CLI as the source', async () => {
    const set = await cli(['set', 'items', 'shadow', '--reason', 'start comparing']);
    expect(set).toMatchObject({ code: 0 });
    expect(set.stdout).toMatch(/items: legacy → shadow \(audit #\d+\)/);
    const audit = JSON.parse((await cli(['audit', '--route', 'items', '--json'])).stdout);
    expect(audit.entries[0]).toMatchObject({ action: 'mode-change', actor: 'operator', source: 'cli', reason: 'start comparing' });
    expect((await cli(['audit'])).stdout).toMatch(/mode-change\s+items\s+legacy -> shadow\s+start comparing\s+cli/);
  });

  it('explains a readiness refusal (409) with its reasons and exits 1', async () => {
    const res = await cli(['set', 'items', 'new', '--reason', 'ship it']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/409 route "items" is not ready/);
    expect(res.stderr).toMatch(/\n {2}- \d+ comparisons, need 100/);
    expect(res.stderr).toContain('--force');
    // The override goes through, and is marked FORCED in the reply and in the audit table.
    const forced = await cli(['set', 'items', 'new', '--force', '--reason', 'incident: legacy down']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/items: .* → new FORCED: not ready, promoted by override \(audit #\d+\)/);
    expect((await cli(['audit', '--route', 'items'])).stdout).toMatch(/mode-change\s+items\s+\S+ -> new FORCED\s+incident: legacy down/);
  });

  it('refuses set without --reason before calling Ficus (exit 2)', async () => {
    const res = await cli(['set', 'items', 'new']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--reason "..." is required');
  });

  it('reports 401 for a wrong token and an unreachable admin URL clearly', async () => {
    const denied = await cli(['routes'], { FICUS_ADMIN_TOKEN: 'wrong' });
    expect(denied).toMatchObject({ code: 1 });
    expect(denied.stderr).toMatch(/401 unauthorized: the token was not accepted/);
    const closed = createServer();
    const url = await listenLoopback(closed);
    await closeServer(closed);
    const away = await cli(['routes', '--admin', url]);
    expect(away.code).toBe(1);
    expect(away.stderr).toContain(`cannot reach the admin API at ${url} (ECONNREFUSED); is Ficus running?`);
  });

  it('reports a route with readiness reasons, and accept (and --revoke) refuses an unrecorded difference', async () => {
    const report = await cli(['report', 'items']);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/Readiness: inconclusive\n {2}- 0 comparisons, need 100\n/);
    expect(report.stdout).toContain('Differences\n  none recorded');
    const accept = await cli(['accept', 'items', '/meta/x', 'changed', '--reason', 'expected']);
    expect(accept.code).toBe(1);
    expect(accept.stderr).toMatch(/404 no changed difference at \/meta\/x/);
    const revoke = await cli(['accept', 'items', '/meta/x', 'changed', '--revoke', '--reason', 'no longer expected']);
    expect(revoke.code).toBe(1);
    expect(revoke.stderr).toMatch(/404 no accepted changed difference at \/meta\/x/);
  });

  it('verifies the audit chain', async () => {
    const res = await cli(['audit', 'verify']);
    expect(res).toMatchObject({ code: 0 });
    expect(res.stdout).toMatch(/audit chain intact \(\d+ entries\)/);
  });

  it('checks config offline and names file:line of a broken route', async () => {
    expect((await cli(['check', '--routes', dirs.routesDir, '--flags', dirs.flagsDir])).stdout).toMatch(/ok: 3 routes, 3 flags/);
    writeFileSync(join(dirs.root, 'bad.yaml'), 'routes:\n  - id: broken\n    match: { methods: [GET], path: /x }\n    new: nowhere\n    flag: ficus.x\n');
    const bad = await cli(['check', '--routes', dirs.root, '--flags', dirs.flagsDir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.yaml:\d+/);
  });

  it('hashes a token from stdin-free argument for the tokens file', async () => {
    const res = await cli(['tokens', 'hash', 'abc']);
    expect(res.stdout.trim()).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
