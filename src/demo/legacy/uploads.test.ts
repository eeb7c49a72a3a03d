import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyDemo } from './server.ts';
import { json, request } from '../testing/request.ts';

const MEGABYTE = 1024 * 1024;

/** 50 MB of varied bytes, generated chunk by chunk so the test itself does not buffer them either. */
function fiftyMegabytes(): { stream: Readable; expected: () => string } {
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent === 50) return void this.push(null);
      const chunk = Buffer.alloc(MEGABYTE, sent % 251);
      hash.update(chunk);
      sent += 1;
      this.push(chunk);
    },
  });
  return { stream, expected: () => hash.digest('hex') };
}

describe('legacy upload', () => {
  let legacy: Awaited<ReturnType<typeof startLegacyDemo>>;
  beforeAll(async () => {
    legacy = await startLegacyDemo();
  });
  afterAll(() => legacy.close());

  it('streams a 50 MB chunked upload and answers its length and sha256', async () => {
    const { stream, expected } = fiftyMegabytes();
    const response = await request(`${legacy.url}/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: stream });
    expect(response.status).toBe(200);
    expect(json(response)).toEqual({ bytes: 50 * MEGABYTE, sha256: expected() });
  });

  it('answers the digest of an empty body', async () => {
    const response = await request(`${legacy.url}/upload`, { method: 'POST', body: '' });
    expect(json(response)).toEqual({ bytes: 0, sha256: createHash('sha256').digest('hex') });
  });
});
