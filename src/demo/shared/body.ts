// Reading small request bodies (FHIR resources, forms, HL7 messages). Bounded: a demo upstream must
// not be knocked over by a mistaken 1 GB POST to a JSON endpoint. Large uploads stream elsewhere.
import type http from 'node:http';

export const SMALL_BODY_LIMIT = 1024 * 1024;

export class BodyTooLargeError extends Error {
  readonly code = 'BODY_TOO_LARGE';
}

export async function readBody(req: http.IncomingMessage, limit = SMALL_BODY_LIMIT): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > limit) throw new BodyTooLargeError(`request body exceeds ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body; undefined when it is not valid JSON (callers answer 400). */
export async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const text = (await readBody(req)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams((await readBody(req)).toString('utf8'));
}

/** Drains and discards a body so keep-alive connections stay usable after an early answer. */
export function discardBody(req: http.IncomingMessage): void {
  req.resume();
}
