// A real unleash-server (the devDependency) in a child process, on its own fresh database in the
// test PostgreSQL, with an admin API token, a backend (client) token and a personal access token
// (the import endpoint refuses admin tokens).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { REPO_ROOT } from '../repo-root.ts';

export interface UnleashServer {
  readonly url: string;
  readonly apiUrl: string;
  readonly adminToken: string;
  readonly clientToken: string;
  readonly personalAccessToken: string;
  readonly output: () => string;
  /** Stops the server abruptly (SIGKILL): replicas see connection refused from then on. */
  kill(): Promise<void>;
  /** Kills the server (if still running) and drops its database. */
  close(): Promise<void>;
}

export async function startUnleashServer(pgUrl: string): Promise<UnleashServer> {
  const database = `ficus_unleash_${process.pid}_${randomBytes(3).toString('hex')}`;
  await withPg(pgUrl, (client) => client.query(`CREATE DATABASE ${database}`));
  const dbUrl = new URL(pgUrl);
  dbUrl.pathname = `/${database}`;
  const adminToken = `*:*.${randomBytes(16).toString('hex')}`;
  const clientToken = `default:development.${randomBytes(16).toString('hex')}`;
  const password = `Ficus-${randomBytes(8).toString('hex')}!`;
  let output = '';
  const child: ChildProcess = spawn(join(REPO_ROOT, 'node_modules/.bin/node'), [join(REPO_ROOT, 'tests/support/unleash/unleash-server-process.mjs')], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: dbUrl.toString(),
      DATABASE_SSL: 'false',
      HTTP_PORT: '0',
      INIT_ADMIN_API_TOKENS: adminToken,
      INIT_BACKEND_API_TOKENS: clientToken,
      UNLEASH_DEFAULT_ADMIN_USERNAME: 'admin',
      UNLEASH_DEFAULT_ADMIN_PASSWORD: password,
      LOG_LEVEL: 'error',
      NODE_OPTIONS: '--no-deprecation',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const listening = new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const port = /UNLEASH_LISTENING (\d+)/.exec(output)?.[1];
      if (port) resolve(Number(port));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`unleash-server exited before listening:\n${output.slice(-2000)}`)));
  });
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  const close = async () => {
    await kill();
    await withPg(pgUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).catch(() => {});
  };
  try {
    const url = `http://127.0.0.1:${await listening}`;
    const personalAccessToken = await createPersonalAccessToken(url, password);
    return { url, apiUrl: `${url}/api`, adminToken, clientToken, personalAccessToken, output: () => output, kill, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Logs in as the default admin user and creates a personal access token (what `ficus flags push` needs). */
async function createPersonalAccessToken(url: string, password: string): Promise<string> {
  const login = await fetch(`${url}/auth/simple/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const created = await fetch(`${url}/api/admin/user/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ description: 'ficus flags push (test)', expiresAt: new Date(Date.UTC(2100, 0, 1)).toISOString() }),
  });
  if (!created.ok) throw new Error(`personal access token: ${created.status} ${await created.text()}`);
  return ((await created.json()) as { secret: string }).secret;
}

async function withPg<T>(url: string, task: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await task(client);
  } finally {
    await client.end();
  }
}
