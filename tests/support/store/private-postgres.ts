// A PostgreSQL cluster of the test's own, so a test can stop it mid-run to make a real outage
// without touching the shared test cluster other files use. initdb into a temp dir, trust auth,
// 127.0.0.1 only; run as the postgres system user when the tests run as root (PostgreSQL refuses root).
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivatePostgres {
  readonly url: string;
  /** Fast shutdown: open connections are cut, as in a crash or a failover. */
  stop(): void;
  start(): void;
  destroy(): void;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort().pop()!, 'bin');
  const dir = mkdtempSync(join(tmpdir(), 'ficus-private-pg-'));
  const port = await freePort();
  const asPostgres = process.getuid?.() === 0;
  if (asPostgres) chownSync(dir, uidOf('postgres'), gidOf('postgres'));
  const run = (args: string[]) => {
    const cmd = [join(bin, args[0]!), ...args.slice(1)];
    if (asPostgres) execFileSync('runuser', ['-u', 'postgres', '--', ...cmd], { stdio: 'ignore' });
    else execFileSync(cmd[0]!, cmd.slice(1), { stdio: 'ignore' });
  };
  run(['initdb', '-D', join(dir, 'db'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const start = () => run(['pg_ctl', '-D', join(dir, 'db'), '-l', join(dir, 'server.log'), '-w', '-t', '30', '-o', `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off`, 'start']);
  const stop = () => run(['pg_ctl', '-D', join(dir, 'db'), '-m', 'fast', '-w', 'stop']);
  start();
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      if (running) stop();
      running = false;
    },
    start() {
      if (!running) start();
      running = true;
    },
    destroy() {
      if (running) stop();
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}

function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}
