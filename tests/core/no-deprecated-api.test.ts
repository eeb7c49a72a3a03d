// NO DEPRECATED NODE API on the request path: Ficus runs as a child process with
// `--throw-deprecation` (a deprecated call would crash it) and carries every kind of upstream call —
// a request and its shadow copy, a chunked upload, a replay-free POST and a WebSocket upgrade. http-proxy
// 1.18 called util._extend (DEP0060) on every start; main.ts once only filtered the warning.
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeConfigDirs, DEFAULT_ROUTES } from '../support/ficus/config-files.ts';
import { startFicusProcess, stopFicusProcess, type FicusProcess } from '../support/ficus/ficus-process.ts';
import { send } from '../support/http/raw-http.ts';
import { startFidelityUpstream, type FidelityUpstream } from '../support/upstreams/fidelity-upstream.ts';
import { waitFor } from '../support/wait-for.ts';

describe('no deprecated Node API', () => {
  let legacy: FidelityUpstream;
  let next: FidelityUpstream;
  let ficus: FicusProcess;
  let remove: (() => void) | undefined;
  beforeAll(async () => {
    legacy = await startFidelityUpstream();
    next = await startFidelityUpstream();
    const dirs = writeConfigDirs(DEFAULT_ROUTES, { legacy: { url: legacy.url }, next: { url: next.url } }, { 'ficus.items': { mode: 'shadow' } });
    remove = dirs.remove;
    ficus = await startFicusProcess(['--routes', dirs.routesDir, '--flags', dirs.flagsDir, '--data-dir', dirs.dataDir], {
      NODE_OPTIONS: '--throw-deprecation',
      FICUS_DIFF_KEY: 'test-diff-key-0123456789abcdef-0123456789',
    });
  });
  afterAll(async () => {
    await stopFicusProcess(ficus);
    await legacy?.close();
    await next?.close();
    remove?.();
  });

  it('serves a request, its shadow copy, a chunked upload and a WebSocket upgrade under --throw-deprecation', async () => {
    // The fidelity upstream answers /items/1 with 404: served by legacy as-is, and copied.
    expect((await send(ficus.proxyUrl, { path: '/items/1', headers: ['Host', 'ehr.example'] })).status).toBe(404);
    await waitFor(() => next.seen.find((r) => r.url === '/items/1'), 10_000, 'the shadow copy');
    const upload = await send(ficus.proxyUrl, { method: 'POST', path: '/echo/upload', headers: ['Host', 'ehr.example', 'Transfer-Encoding', 'chunked'], body: Readable.from([Buffer.from('a'), Buffer.from('b')]) });
    expect(upload.status).toBe(200);
    expect(await upgradeHandshake(ficus.proxyUrl)).toMatch(/^HTTP\/1\.1 101 /);

    expect(ficus.child.exitCode).toBeNull();
    expect(ficus.stderr()).not.toMatch(/DeprecationWarning|DEP\d{4}/);
  });
});

async function upgradeHandshake(proxyUrl: string): Promise<string> {
  const url = new URL(proxyUrl);
  const socket = net.connect(Number(url.port), url.hostname);
  socket.on('error', () => {});
  try {
    return await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if (text.includes('\r\n\r\n')) resolve(text);
      });
      const key = randomBytes(16).toString('base64');
      socket.write(`GET /ws HTTP/1.1\r\nHost: ehr.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nX-Key-Digest: ${createHash('sha1').update(key).digest('hex')}\r\n\r\n`);
    });
  } finally {
    socket.destroy();
  }
}
