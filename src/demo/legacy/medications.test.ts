import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyDemo } from './server.ts';
import { json, MONDAY, request } from '../testing/request.ts';

describe('legacy medication endpoints', () => {
  let legacy: Awaited<ReturnType<typeof startLegacyDemo>>;
  beforeAll(async () => {
    legacy = await startLegacyDemo({ now: () => MONDAY });
  });
  afterAll(() => legacy.close());

  it('includes each referenced Medication once, with search mode include', async () => {
    const bundle = json(await request(`${legacy.url}/fhir/MedicationRequest?patient=pat-0005&_include=MedicationRequest:medication`));
    const matches = bundle.entry.filter((e: any) => e.search.mode === 'match'); // eslint-disable-line @typescript-eslint/no-explicit-any
    const includes = bundle.entry.filter((e: any) => e.search.mode === 'include'); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(bundle.total).toBe(matches.length);
    expect(matches.length).toBeGreaterThanOrEqual(2);
    const referenced = new Set(matches.map((e: any) => e.resource.medicationReference.reference)); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(includes.map((e: any) => `Medication/${e.resource.id}`).sort()).toEqual([...referenced].sort()); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  it('leaves Medications out when _include is not asked for', async () => {
    const bundle = json(await request(`${legacy.url}/fhir/MedicationRequest?patient=pat-0005`));
    expect(bundle.entry.every((e: { search: { mode: string } }) => e.search.mode === 'match')).toBe(true);
  });

  it('records an administration with 201 and ignores Ficus-Shadow (legacy never sees copies)', async () => {
    const response = await request(`${legacy.url}/fhir/MedicationAdministration`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json', 'ficus-shadow': 'dry-run' },
      body: JSON.stringify({ resourceType: 'MedicationAdministration', status: 'completed', medicationReference: { reference: 'Medication/med-001' }, subject: { reference: 'Patient/pat-0005' }, effectiveDateTime: '2026-03-02T08:00:00Z' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers['ficus-shadow-ack']).toBeUndefined();
    expect(response.headers.location).toMatch(/^\/fhir\/MedicationAdministration\/[^/]+\/_history\/1$/);
  });
});
