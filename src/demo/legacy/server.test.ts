import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyDemo } from './server.ts';
import { json, request } from '../testing/request.ts';

/** Sends bytes exactly as written (fetch and http.request would normalise them) and reads the reply. */
function sendRaw(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(bytes));
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (reply += chunk));
    socket.on('end', () => resolve(reply));
    socket.on('error', reject);
  });
}

describe('legacy demo server', () => {
  let legacy: Awaited<ReturnType<typeof startLegacyDemo>>;
  beforeAll(async () => {
    legacy = await startLegacyDemo();
  });
  afterAll(() => legacy.close());

  it('echoes the raw target, header case and order, and the body digest exactly as received', async () => {
    const reply = await sendRaw(legacy.url, 'PATCH /echo/a/../b//c?x=%2F&y=1 HTTP/1.1\r\nHost: h\r\nX-ZeTa: 1\r\nx-alpha: 2\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello');
    const report = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4));
    expect(report).toMatchObject({ method: 'PATCH', url: '/echo/a/../b//c?x=%2F&y=1' });
    expect(report.rawHeaders).toEqual(['Host', 'h', 'X-ZeTa', '1', 'x-alpha', '2', 'Content-Length', '5', 'Connection', 'close']);
    expect(report.body).toEqual({ length: 5, sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824' });
  });

  it('serves a FHIR R4 CapabilityStatement', async () => {
    expect(json(await request(`${legacy.url}/fhir/metadata`))).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
  });

  it('answers unknown paths with an old-style HTML 404 page', async () => {
    const response = await request(`${legacy.url}/cgi-bin/ward.pl?x=1`);
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body.toString()).toContain('The requested URL /cgi-bin/ward.pl was not found');
  });

  it('closes idle keep-alive connections on close()', async () => {
    const other = await startLegacyDemo();
    const socket = net.connect(Number(new URL(other.url).port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /fhir/metadata HTTP/1.1\r\nHost: h\r\n\r\n');
    await new Promise((resolve) => socket.once('data', resolve));
    const ended = new Promise((resolve) => socket.once('close', resolve));
    await other.close();
    await ended;
  });
});
