// Keeps a copy of a request body, up to a cap, while it streams to the primary upstream untouched.
// Used only when a copy is needed (a mirror, or a replay on fallback); pass-through never tees.
import type { IncomingMessage } from 'node:http';

export interface TeedBody {
  /** The bytes, or undefined when the body exceeded the cap or the client aborted. */
  readonly bytes: Buffer | undefined;
  readonly overCap: boolean;
}

export function hasRequestBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

const EMPTY_BODY: Promise<TeedBody> = Promise.resolve({ bytes: Buffer.alloc(0), overCap: false });

export function teeRequestBody(req: IncomingMessage, capBytes: number): Promise<TeedBody> {
  if (!hasRequestBody(req)) return EMPTY_BODY;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > capBytes) return Promise.resolve({ bytes: undefined, overCap: true });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let overCap = false;
    const onData = (chunk: Buffer) => {
      if (overCap) return;
      size += chunk.length;
      if (size > capBytes) {
        overCap = true;
        chunks.length = 0;
      } else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(overCap ? { bytes: undefined, overCap } : { bytes: Buffer.concat(chunks, size), overCap }));
    req.once('close', () => {
      if (!req.complete) resolve({ bytes: undefined, overCap });
    });
  });
}
