import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyDemo } from './server.ts';
import { json, MONDAY, request } from '../testing/request.ts';

describe('legacy Observation endpoints', () => {
  let legacy: Awaited<ReturnType<typeof startLegacyDemo>>;
  beforeAll(async () => {
    legacy = await startLegacyDemo({ now: () => MONDAY });
  });
  afterAll(() => legacy.close());

  it('pages through every vital sign of a patient by following opaque next links', async () => {
    let url: string | undefined = '/fhir/Observation?patient=pat-0001&_count=10';
    const ids: string[] = [];
    let total = 0;
    while (url) {
      const page = json(await request(`${legacy.url}${url}`));
      total = page.total;
      ids.push(...page.entry.map((e: { resource: { id: string } }) => e.resource.id));
      url = page.link.find((l: { relation: string }) => l.relation === 'next')?.url;
      if (url) expect(url).toMatch(/^\/fhir\/Observation\?_page_token=[A-Za-z0-9_-]+$/);
    }
    expect(total).toBeGreaterThanOrEqual(30);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
  });

  it('serves vital signs with three-decimal quantities and an effectiveDateTime', async () => {
    const page = json(await request(`${legacy.url}/fhir/Observation?patient=pat-0042&_count=40`));
    const observations = page.entry.map((e: { resource: Record<string, any> }) => e.resource); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(observations.some((o: any) => !Number.isInteger(o.valueQuantity.value * 100))).toBe(true); // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const o of observations) {
      expect(o).toMatchObject({ resourceType: 'Observation', status: 'final', subject: { reference: 'Patient/pat-0042' } });
      expect(Date.parse(o.effectiveDateTime)).not.toBeNaN();
    }
  });

  it('refuses a search without a patient and a forged page token with 400', async () => {
    expect((await request(`${legacy.url}/fhir/Observation`)).status).toBe(400);
    expect((await request(`${legacy.url}/fhir/Observation?_page_token=bm9wZQ`)).status).toBe(400);
  });

  it('creates an Observation with 201 and a versioned Location, and lists it first', async () => {
    const response = await request(`${legacy.url}/fhir/Observation`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Observation', status: 'final', code: { text: 'Heart rate' }, subject: { reference: 'Patient/pat-0007' }, valueQuantity: { value: 71.5, unit: '/min' } }),
    });
    expect(response.status).toBe(201);
    const created = json(response);
    expect(response.headers.location).toBe(`/fhir/Observation/${created.id}/_history/1`);
    expect(created.meta).toEqual({ versionId: '1', lastUpdated: MONDAY.toISOString() });
    const first = json(await request(`${legacy.url}/fhir/Observation?patient=pat-0007&_count=1`));
    expect(first.entry[0].resource.id).toBe(created.id);
  });

  it('refuses an invalid Observation with a 400 OperationOutcome', async () => {
    const response = await request(`${legacy.url}/fhir/Observation`, { method: 'POST', body: '{"resourceType":"Observation"}' });
    expect(response.status).toBe(400);
    expect(json(response).resourceType).toBe('OperationOutcome');
  });
});
