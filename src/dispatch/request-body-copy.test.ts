import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { TeedBody } from './body-tee.ts';
import { RequestBodyCopy } from './request-body-copy.ts';

let server: Server | undefined;
afterEach(() => void server?.close());

/** Serves one request: the copy is taken before a stand-in primary consumes the body, as the passes do. */
async function copyOf(body: Buffer, capBytes: number): Promise<{ listenersBeforePrimary: number; copy: TeedBody; forwarded: Buffer }> {
  server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const client = request({ port, method: 'POST', path: '/', headers: { 'Content-Length': body.length } });
  client.end(body);
  const [req, res] = (await once(server, 'request')) as [IncomingMessage, ServerResponse];
  const copy = new RequestBodyCopy(req, capBytes);
  const taken = copy.take();
  const listenersBeforePrimary = req.listenerCount('data');
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk)); // the primary: first consumer of every chunk
  const ended = once(req, 'end');
  copy.primarySent();
  const [teed] = await Promise.all([taken, ended]);
  res.end();
  return { listenersBeforePrimary, copy: teed, forwarded: Buffer.concat(chunks) };
}

describe('RequestBodyCopy', () => {
  it('reads nothing until the primary is sent, then keeps the whole body the primary forwarded', async () => {
    const body = Buffer.from('{"resourceType":"Patient"}');
    const { listenersBeforePrimary, copy, forwarded } = await copyOf(body, 1024);
    expect(listenersBeforePrimary).toBe(0);
    expect(copy).toEqual({ bytes: body, overCap: false });
    expect(forwarded).toEqual(body);
  });

  it('keeps nothing of a body over the cap, and says so (the primary still gets every byte)', async () => {
    const body = Buffer.alloc(4096, 'x');
    const { copy, forwarded } = await copyOf(body, 1024);
    expect(copy).toEqual({ bytes: undefined, overCap: true });
    expect(forwarded.length).toBe(4096);
  });

  it('shares one copy among everyone who takes it, and has none when nobody did', async () => {
    server = createServer((req, res) => {
      const copy = new RequestBodyCopy(req, 1024);
      const none = copy.taken();
      const first = copy.take();
      res.end(JSON.stringify({ none: none === undefined, shared: copy.take() === first && copy.taken() === first }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const answer = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.json());
    expect(answer).toEqual({ none: true, shared: true });
  });
});
