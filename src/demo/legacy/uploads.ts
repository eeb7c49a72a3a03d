// Document upload: the body is hashed as it streams and never held in memory, so a proxy test can
// push hundreds of megabytes through and compare the digest with what it sent.
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Route, RouteContext } from '../shared/router.ts';
import { sendJson } from '../shared/respond.ts';

export function uploadRoutes(): Route[] {
  return [{ method: 'POST', path: /^\/upload$/, handle: answerUpload }];
}

async function answerUpload({ req, res }: RouteContext): Promise<void> {
  const { bytes, sha256 } = await digestStream(req);
  sendJson(res, 200, { bytes, sha256 });
}

/** Length and SHA-256 of a stream, consumed chunk by chunk with backpressure. */
export async function digestStream(source: NodeJS.ReadableStream): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  await pipeline(source, new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      hash.update(chunk);
      done();
    },
  }));
  return { bytes, sha256: hash.digest('hex') };
}
