// `ficus check` validates config with a pure compile (compileConfig) and the compare rules: it never
// builds an upstream agent or opens a socket, even when the upstreams are reachable. A TCP listener
// the test owns stands in for every upstream and counts connections.
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ROUTES, writeConfigDirs } from '../support/ficus/config-files.ts';
import { REPO_ROOT } from '../support/repo-root.ts';
import { closeServer, listenLoopback } from '../support/upstreams/loopback.ts';

const run = promisify(execFile);
let listener: net.Server;
let connections = 0;
let url: string;

beforeAll(async () => {
  listener = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  url = await listenLoopback(listener);
});
afterAll(() => closeServer(listener));

async function check(routesDir: string, flagsDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['src/main.ts', 'check', '--routes', routesDir, '--flags', flagsDir], { cwd: REPO_ROOT, env: { PATH: process.env.PATH } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('ficus check', () => {
  it('validates a config whose upstreams are listening without connecting to them', async () => {
    const dirs = writeConfigDirs(DEFAULT_ROUTES, { legacy: { url }, next: { url } }, { 'ficus.items': { mode: 'new' } });
    try {
      const result = await check(dirs.routesDir, dirs.flagsDir);
      expect(result.stdout).toMatch(/^ok: 3 routes, 1 flags/);
      expect(result.code).toBe(0);
      expect(connections).toBe(0);
    } finally {
      dirs.remove();
    }
  });

  it('still reports every config error, naming file and line, and connects to nothing', async () => {
    const dirs = writeConfigDirs(DEFAULT_ROUTES, { legacy: { url }, next: { url } }, {});
    writeFileSync(join(dirs.routesDir, 'broken.yaml'), 'routes:\n  - id: orders\n    match: { path: /orders/:id }\n    new: nowhere\n    flag: ficus.orders\n');
    writeFileSync(join(dirs.routesDir, 'compare.yaml'), 'routes:\n  - id: labs\n    match: { path: /labs }\n    new: next\n    flag: ficus.labs\n    compare: { ignore: [not-a-pointer] }\n');
    try {
      const result = await check(dirs.routesDir, dirs.flagsDir);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/broken\.yaml:2: orders\.new: unknown upstream "nowhere"/);
      // Fixed, the next problem shows: a compare block's bad pointer, with its file and line.
      rmSync(join(dirs.routesDir, 'broken.yaml'));
      const rules = await check(dirs.routesDir, dirs.flagsDir);
      expect(rules.code).toBe(1);
      expect(rules.stderr).toMatch(/compare\.yaml:6: routes\[0\]\.compare\.ignore\[0\]: JSON Pointer/);
      expect(connections).toBe(0);
    } finally {
      dirs.remove();
    }
  });
});
