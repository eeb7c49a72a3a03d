import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyDemo } from './server.ts';
import { MONDAY, request } from '../testing/request.ts';

describe('legacy census report', () => {
  let legacy: Awaited<ReturnType<typeof startLegacyDemo>>;
  beforeAll(async () => {
    legacy = await startLegacyDemo({ now: () => MONDAY });
  });
  afterAll(() => legacy.close());

  it('sends gzip-compressed JSON that decodes to the census', async () => {
    const response = await request(`${legacy.url}/reports/census`, { headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers.vary).toBe('Accept-Encoding');
    const census = JSON.parse(gunzipSync(response.body).toString('utf8'));
    expect(census).toMatchObject({ generatedAt: MONDAY.toISOString(), patients: 500 });
    expect(census.wards.length).toBeGreaterThan(0);
  });

  it('sends plain JSON to a client that refuses gzip', async () => {
    const response = await request(`${legacy.url}/reports/census`, { headers: { 'accept-encoding': 'identity, gzip;q=0' } });
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(response.body.toString('utf8')).patients).toBe(500);
  });
});
