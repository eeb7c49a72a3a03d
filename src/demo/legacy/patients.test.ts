import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyDemo } from './server.ts';
import { json, MONDAY, request, TUESDAY } from '../testing/request.ts';

describe('legacy Patient endpoints', () => {
  let clock = MONDAY;
  let legacy: Awaited<ReturnType<typeof startLegacyDemo>>;
  beforeAll(async () => {
    legacy = await startLegacyDemo({ now: () => clock });
  });
  afterAll(() => legacy.close());

  it('serves a FHIR Patient with a weak ETag, Last-Modified and a synthetic MRN', async () => {
    const response = await request(`${legacy.url}/fhir/Patient/pat-0001`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    expect(response.headers.etag).toMatch(/^W\/"\d+"$/);
    expect(new Date(response.headers['last-modified'] ?? '').getTime()).not.toBeNaN();
    const patient = json(response);
    expect(patient).toMatchObject({ resourceType: 'Patient', id: 'pat-0001', identifier: [{ value: 'MRN-00004417' }] });
    expect(patient.meta.versionId).toBe(response.headers.etag?.slice(3, -1));
  });

  it('stamps meta.lastUpdated with the current time on every read (the noise quirk)', async () => {
    clock = MONDAY;
    const first = json(await request(`${legacy.url}/fhir/Patient/pat-0002`));
    clock = TUESDAY;
    const second = json(await request(`${legacy.url}/fhir/Patient/pat-0002`));
    expect(first.meta.lastUpdated).toBe(MONDAY.toISOString());
    expect(second.meta.lastUpdated).toBe(TUESDAY.toISOString());
    expect({ ...second, meta: undefined }).toEqual({ ...first, meta: undefined });
  });

  it('answers an unknown patient with a 404 OperationOutcome', async () => {
    const response = await request(`${legacy.url}/fhir/Patient/pat-9999`);
    expect(response.status).toBe(404);
    expect(json(response)).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'not-found' }] });
  });

  it('finds patients by identifier and answers POST _search with the same Bundle as GET', async () => {
    const viaGet = json(await request(`${legacy.url}/fhir/Patient?identifier=MRN-00004417`));
    const viaPost = json(await request(`${legacy.url}/fhir/Patient/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'identifier=MRN-00004417',
    }));
    expect(viaGet).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    expect(viaGet.entry[0].resource.id).toBe('pat-0001');
    expect(viaPost.entry).toEqual(viaGet.entry);
  });

  it('finds patients by a case-insensitive name prefix, Latin-1 letters included', async () => {
    const bundle = json(await request(`${legacy.url}/fhir/Patient?name=${encodeURIComponent('mül')}`));
    expect(bundle.total).toBeGreaterThan(0);
    for (const entry of bundle.entry) expect(entry.resource.name[0].family).toBe('Müller');
  });

  describe('PUT with If-Match', () => {
    const put = (ifMatch: string | undefined, body: object) => request(`${legacy.url}/fhir/Patient/pat-0003`, {
      method: 'PUT',
      headers: { 'content-type': 'application/fhir+json', ...(ifMatch ? { 'if-match': ifMatch } : {}) },
      body: JSON.stringify(body),
    });

    it('refuses an update without If-Match with 428', async () => {
      const response = await put(undefined, { resourceType: 'Patient', id: 'pat-0003' });
      expect(response.status).toBe(428);
      expect(json(response).resourceType).toBe('OperationOutcome');
    });

    it('refuses a stale version with 412, then accepts the current one and bumps the ETag', async () => {
      const current = await request(`${legacy.url}/fhir/Patient/pat-0003`);
      const etag = current.headers.etag ?? '';
      const version = Number(etag.slice(3, -1));
      const stale = await put(`W/"${version + 7}"`, json(current));
      expect(stale.status).toBe(412);
      expect(json(stale).issue[0].code).toBe('conflict');
      const accepted = await put(etag, { ...json(current), gender: 'other' });
      expect(accepted.status).toBe(200);
      expect(accepted.headers.etag).toBe(`W/"${version + 1}"`);
      const reread = json(await request(`${legacy.url}/fhir/Patient/pat-0003`));
      expect(reread.gender).toBe('other');
      expect(reread.meta.versionId).toBe(String(version + 1));
    });
  });
});
