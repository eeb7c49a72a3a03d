import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyDemo } from './server.ts';
import { json, request } from '../testing/request.ts';

describe('legacy timing endpoints', () => {
  let legacy: Awaited<ReturnType<typeof startLegacyDemo>>;
  beforeAll(async () => {
    legacy = await startLegacyDemo();
  });
  afterAll(() => legacy.close());

  it('answers /slow after the requested delay, capped at 60 s', async () => {
    expect(json(await request(`${legacy.url}/slow?ms=20`))).toEqual({ sleptMs: 20 });
  });

  it('writes /stream as separate chunks over time', async () => {
    const chunks = await new Promise<string[]>((resolve, reject) => {
      http.get(`${legacy.url}/stream?chunks=4&delay=5`, (res) => {
        expect(res.headers['transfer-encoding']).toBe('chunked');
        const seen: string[] = [];
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => seen.push(chunk));
        res.on('end', () => resolve(seen));
      }).on('error', reject);
    });
    const lines = chunks.join('').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([1, 2, 3, 4].map((chunk) => ({ chunk, of: 4 })));
    expect(chunks.length).toBeGreaterThan(1);
  });
});
