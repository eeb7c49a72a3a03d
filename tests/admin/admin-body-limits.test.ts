// Issue 13 item 9: `/login` buffered bodies of any size without authentication (400 MB → +2 GB
// RSS in the process that also proxies clinicians' traffic). Every admin endpoint now refuses a
// body over its limit (4 KiB for the login/logout forms, 64 KiB elsewhere) before buffering it,
// closes the connection, and counts the refusal on /metrics. Asserted on what the admin port does
// and counts (the 413 before the body is sent, the close, ficus_admin_refused_total), not on the
// test process's RSS, which the runner, the GC and every other test in the worker move too.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';

let h: TestFicus;
beforeAll(async () => {
  h = await startTestFicus();
});
afterAll(async () => {
  await h?.close();
});

interface Outcome {
  readonly head: string;
  /** Body bytes the server let us write before it answered and closed the connection. */
  readonly bytesWritten: number;
}

/**
 * Sends request headers, then streams `totalBytes` of body in 256 KiB chunks until the server
 * answers and closes. Chunked when `declareLength` is false.
 */
function flood(path: string, totalBytes: number, declareLength: boolean, extraHeaders: readonly string[] = [], sendBody = true): Promise<Outcome> {
  const { port } = new URL(h.adminUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    const chunk = Buffer.alloc(256 * 1024, 'a');
    let written = 0;
    let response = '';
    let stopped = false;
    const finish = () => {
      if (stopped) return;
      stopped = true;
      socket.destroy();
      resolve({ head: response.split('\r\n\r\n')[0] ?? '', bytesWritten: written });
    };
    socket.on('data', (d: Buffer) => (response += d.toString('latin1')));
    socket.on('close', finish);
    socket.on('error', () => finish());
    socket.setTimeout(20_000, () => reject(new Error(`no answer after ${written} bytes`)));
    const framing = declareLength ? `Content-Length: ${totalBytes}` : 'Transfer-Encoding: chunked';
    socket.write(`POST ${path} HTTP/1.1\r\nHost: admin.test\r\nContent-Type: application/x-www-form-urlencoded\r\n${framing}\r\n${extraHeaders.map((l) => `${l}\r\n`).join('')}\r\n`);
    const pump = () => {
      while (!stopped && written < totalBytes) {
        const piece = declareLength ? chunk : Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
        written += chunk.length;
        if (!socket.write(piece)) return void socket.once('drain', pump);
      }
    };
    if (sendBody) pump();
  });
}

async function refused(reason: string): Promise<number> {
  const text = await (await fetch(`${h.adminUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`ficus_admin_refused_total{reason="${reason}"} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

const MB = 1024 * 1024;

describe('admin body limits', () => {
  it('refuses a declared 400 MB login body with 413 before reading it, and closes the connection', async () => {
    const before = await refused('body-too-large');
    const outcome = await flood('/_ficus/login', 400 * MB, true);
    expect(outcome.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(outcome.head.toLowerCase()).toContain('connection: close');
    // What the socket buffers accepted before the close, not 400 MB.
    expect(outcome.bytesWritten).toBeLessThan(64 * MB);
    expect(await refused('body-too-large')).toBe(before + 1);
  });

  it('answers the declared length alone: 413 and a closed connection before a byte of the body is sent', async () => {
    // The proof that nothing is buffered: the refusal does not wait for the body at all.
    const before = await refused('body-too-large');
    const outcome = await flood('/_ficus/login', 400 * MB, true, [], false);
    expect(outcome.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(outcome.bytesWritten).toBe(0);
    expect(await refused('body-too-large')).toBe(before + 1);
  });

  it('stops a chunked login body of unstated size at 4 KiB', async () => {
    const outcome = await flood('/_ficus/login', 400 * MB, false);
    expect(outcome.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(outcome.bytesWritten).toBeLessThan(64 * MB);
  });

  it.each(['/_ficus/logout', '/api/kill-switch', '/_ficus/api/kill-switch', '/api/routes/items/mode', '/api/differences/accept', '/no-such-endpoint'])('refuses an oversized body on %s with 413, before authentication', async (path) => {
    const outcome = await flood(path, 40 * MB, true, ['Authorization: Bearer test-token']);
    expect(outcome.head).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('refuses a 100 KB JSON write from an operator, and leaves the flag as it was', async () => {
    const reason = 'r'.repeat(100 * 1024);
    const res = await fetch(`${h.adminUrl}/api/routes/items/mode`, { method: 'PUT', headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'new', reason, force: true }) });
    expect(res.status).toBe(413);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toMatchObject({ error: 'payload_too_large' });
    const route = await (await fetch(`${h.adminUrl}/api/routes/items`, { headers: { authorization: 'Bearer test-token' } })).json();
    expect(route).toMatchObject({ mode: 'legacy' });
  });

  it('still takes an ordinary write under the limit', async () => {
    const res = await fetch(`${h.adminUrl}/api/routes/open/mode`, { method: 'PUT', headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'shadow', reason: 'compare open' }) });
    expect(res.status).toBe(200);
  });
});
