import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNewServiceDemo } from './server.ts';
import { json, MONDAY, request } from '../testing/request.ts';

describe('new service $summary', () => {
  let next: Awaited<ReturnType<typeof startNewServiceDemo>>;
  beforeAll(async () => {
    next = await startNewServiceDemo({ now: () => MONDAY });
  });
  afterAll(() => next.close());

  it('always has the same shape while its wording varies from call to call', async () => {
    const summaries = await Promise.all(Array.from({ length: 6 }, async () => json(await request(`${next.url}/fhir/Patient/pat-0001/$summary`))));
    for (const summary of summaries) {
      expect(Object.keys(summary).sort()).toEqual(['resourceType', 'text']);
      expect(summary.resourceType).toBe('Basic');
      expect(summary.text).toMatch(/^[A-Z].+\.$/s);
    }
    expect(new Set(summaries.map((s) => s.text)).size).toBeGreaterThan(1);
  });

  it('accepts a percent-encoded $ and answers 404 for an unknown patient', async () => {
    expect((await request(`${next.url}/fhir/Patient/pat-0001/%24summary`)).status).toBe(200);
    expect((await request(`${next.url}/fhir/Patient/pat-0000/$summary`)).status).toBe(404);
  });

  it('answers routes it does not implement with a 404 OperationOutcome, not HTML', async () => {
    const response = await request(`${next.url}/hl7/oru`, { method: 'POST', body: 'MSH|' });
    expect(response.status).toBe(404);
    expect(json(response).resourceType).toBe('OperationOutcome');
  });
});
