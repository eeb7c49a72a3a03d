import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startNewServiceDemo } from './server.ts';
import { json, MONDAY, request } from '../testing/request.ts';

const OBSERVATION = { resourceType: 'Observation', status: 'final', code: { text: 'Heart rate' }, subject: { reference: 'Patient/pat-0009' }, valueQuantity: { value: 64, unit: '/min' } };
const ADMINISTRATION = { resourceType: 'MedicationAdministration', status: 'completed', medicationReference: { reference: 'Medication/med-003' }, subject: { reference: 'Patient/pat-0009' }, effectiveDateTime: '2026-03-02T08:00:00Z' };

describe('new service writes and the dry-run contract', () => {
  let next: Awaited<ReturnType<typeof startNewServiceDemo>>;
  beforeAll(async () => {
    next = await startNewServiceDemo({ now: () => MONDAY });
  });
  afterAll(() => next.close());
  beforeEach(() => next.reset());

  const post = (path: string, body: object, headers: Record<string, string> = {}) =>
    request(`${next.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/fhir+json', ...headers }, body: JSON.stringify(body) });
  const observationCount = async () => json(await request(`${next.url}/fhir/Observation?patient=pat-0009`)).total as number;

  it('acknowledges a dry-run Observation, answers like a real create, and persists nothing', async () => {
    const before = await observationCount();
    const response = await post('/fhir/Observation', OBSERVATION, { 'Ficus-Shadow': 'dry-run' });
    expect(response.status).toBe(201);
    expect(response.headers['ficus-shadow-ack']).toBe('dry-run');
    expect(response.headers.location).toMatch(/^\/fhir\/Observation\/[^/]+\/_history\/1$/);
    expect(json(response)).toMatchObject({ ...OBSERVATION, meta: { versionId: '1' } });
    expect(await observationCount()).toBe(before);
  });

  it('persists a real Observation write, without an ack', async () => {
    const before = await observationCount();
    const response = await post('/fhir/Observation', OBSERVATION);
    expect(response.status).toBe(201);
    expect(response.headers['ficus-shadow-ack']).toBeUndefined();
    expect(await observationCount()).toBe(before + 1);
  });

  it('acknowledges a dry-run MedicationAdministration and validates it like a real one', async () => {
    const accepted = await post('/fhir/MedicationAdministration', ADMINISTRATION, { 'ficus-shadow': 'dry-run' });
    expect(accepted.status).toBe(201);
    expect(accepted.headers['ficus-shadow-ack']).toBe('dry-run');
    const refused = await post('/fhir/MedicationAdministration', { ...ADMINISTRATION, status: undefined }, { 'ficus-shadow': 'dry-run' });
    expect(refused.status).toBe(400);
    expect(refused.headers['ficus-shadow-ack']).toBe('dry-run');
    expect(json(refused).resourceType).toBe('OperationOutcome');
  });

  it('gives a dry-run the id the next real write will get (dry-runs use up no ids)', async () => {
    const preview = json(await post('/fhir/MedicationAdministration', ADMINISTRATION, { 'ficus-shadow': 'dry-run' }));
    const again = json(await post('/fhir/MedicationAdministration', ADMINISTRATION, { 'ficus-shadow': 'dry-run' }));
    const real = json(await post('/fhir/MedicationAdministration', ADMINISTRATION));
    expect(again.id).toBe(preview.id);
    expect(real.id).toBe(preview.id);
  });

  it('records every request it received, with headers, so tests can spot unacknowledged writes', async () => {
    await post('/fhir/Observation', OBSERVATION, { 'ficus-shadow': 'dry-run' });
    await request(`${next.url}/fhir/Patient/pat-0001`);
    const received = next.received();
    expect(received.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /fhir/Observation', 'GET /fhir/Patient/pat-0001']);
    expect(received[0]?.headers['ficus-shadow']).toBe('dry-run');
    const writesWithoutDryRun = received.filter((r) => r.method === 'POST' && r.headers['ficus-shadow'] !== 'dry-run');
    expect(writesWithoutDryRun).toEqual([]);
    next.reset();
    expect(next.received()).toEqual([]);
  });
});
