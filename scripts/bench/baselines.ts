// The Node baselines (servers/*.ts) as child processes, and a free-port helper.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, waitForLogLine } from './processes.ts';
import type { Started } from './processes.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const nodeBin = join(projectRoot, 'node_modules/.bin/node');

/** A port free right now on loopback (for nginx, which cannot listen on 0 and report back). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startBaseline(
  name: 'library-proxy' | 'raw-pipe' | 'blob-upstream',
  ctx: { readonly originUrl: string; readonly workDir: string; readonly proxyCpus: string | undefined },
): Promise<{ url: string; process: Started; facts: Record<string, unknown> }> {
  const started = startProcess({
    name,
    command: nodeBin,
    args: [join(projectRoot, 'scripts/bench/servers', `${name}.ts`), ctx.originUrl],
    logPath: join(ctx.workDir, `${name}.log`),
    cpus: ctx.proxyCpus,
    cwd: projectRoot,
  });
  const listening = await waitForLogLine(started, (line) => line.event === 'listening');
  return { url: `http://127.0.0.1:${String(listening.port)}`, process: started, facts: listening };
}
