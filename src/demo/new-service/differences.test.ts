import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyDemo } from '../legacy/server.ts';
import { startNewServiceDemo } from './server.ts';
import { hasMigrationBug } from './patients.ts';
import { NEW_SERVICE_SOURCE } from './observations.ts';
import { allPatientIds } from '../data/seed.ts';
import { json, MONDAY, request, TUESDAY } from '../testing/request.ts';

type Entry = { resource: Record<string, any>; search: { mode: string } }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the new service differs from legacy exactly where it should', () => {
  let clock = MONDAY;
  let legacy: Awaited<ReturnType<typeof startLegacyDemo>>;
  let next: Awaited<ReturnType<typeof startNewServiceDemo>>;
  beforeAll(async () => {
    legacy = await startLegacyDemo({ now: () => clock });
    next = await startNewServiceDemo({ now: () => clock });
  });
  afterAll(async () => {
    await legacy.close();
    await next.close();
  });

  const both = async (path: string) => [json(await request(`${legacy.url}${path}`)), json(await request(`${next.url}${path}`))] as const;

  it('keeps meta.lastUpdated stable across reads and orders telecom differently', async () => {
    clock = MONDAY;
    const [oldPatient, first] = await both('/fhir/Patient/pat-0001');
    clock = TUESDAY;
    const second = json(await request(`${next.url}/fhir/Patient/pat-0001`));
    expect(second.meta.lastUpdated).toBe(first.meta.lastUpdated);
    expect(first.meta.lastUpdated).not.toBe(MONDAY.toISOString());
    expect(first.telecom).not.toEqual(oldPatient.telecom);
    expect([...first.telecom].sort(byValue)).toEqual([...oldPatient.telecom].sort(byValue));
    const { meta: _a, telecom: _b, ...restNew } = first;
    const { meta: _c, telecom: _d, ...restOld } = oldPatient;
    expect(restNew).toEqual(restOld);
  });

  it('loses birthDate and name[0].text for a deterministic ~3% of patients (the migration bug)', async () => {
    const affected = allPatientIds().filter(hasMigrationBug);
    expect(affected.length).toBeGreaterThanOrEqual(10);
    expect(affected.length).toBeLessThanOrEqual(25);
    const [oldPatient, newPatient] = await both(`/fhir/Patient/${affected[0]}`);
    expect(oldPatient.birthDate).toBeDefined();
    expect(oldPatient.name[0].text).toBeDefined();
    expect(newPatient.birthDate).toBeUndefined();
    expect(newPatient.name[0].text).toBeUndefined();
    expect(newPatient.name[0].family).toBe(oldPatient.name[0].family);
  });

  it('rounds vital values to 2 decimals, adds meta.source, and uses its own page tokens', async () => {
    const [oldPage, newPage] = await both('/fhir/Observation?patient=pat-0001&_count=40');
    expect(newPage.total).toBe(oldPage.total);
    oldPage.entry.forEach((oldEntry: Entry, i: number) => {
      const newObservation = newPage.entry[i].resource;
      expect(newObservation.id).toBe(oldEntry.resource.id);
      expect(newObservation.meta.source).toBe(NEW_SERVICE_SOURCE);
      expect(newObservation.valueQuantity.value).toBe(Math.round(oldEntry.resource.valueQuantity.value * 100) / 100);
      expect(Math.abs(newObservation.valueQuantity.value - oldEntry.resource.valueQuantity.value) / oldEntry.resource.valueQuantity.value).toBeLessThan(0.001);
    });
    const [oldFirst, newFirst] = await both('/fhir/Observation?patient=pat-0001&_count=10');
    const nextLink = (bundle: Record<string, any>) => bundle.link.find((l: { relation: string }) => l.relation === 'next').url; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(nextLink(newFirst)).not.toBe(nextLink(oldFirst));
  });

  it('pages through all observations by its own next links', async () => {
    let url: string | undefined = '/fhir/Observation?patient=pat-0100&_count=7';
    const ids: string[] = [];
    let total = 0;
    while (url) {
      const page = json(await request(`${next.url}${url}`));
      total = page.total;
      ids.push(...page.entry.map((e: Entry) => e.resource.id));
      url = page.link.find((l: { relation: string }) => l.relation === 'next')?.url;
    }
    expect(new Set(ids).size).toBe(total);
  });

  it('includes the same Medications as legacy, in a different order', async () => {
    const path = '/fhir/MedicationRequest?patient=pat-0005&_include=MedicationRequest:medication';
    const [oldBundle, newBundle] = await both(path);
    const includes = (bundle: Record<string, any>) => bundle.entry.filter((e: Entry) => e.search.mode === 'include').map((e: Entry) => e.resource.id); // eslint-disable-line @typescript-eslint/no-explicit-any
    const matches = (bundle: Record<string, any>) => bundle.entry.filter((e: Entry) => e.search.mode === 'match'); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(includes(oldBundle).length).toBeGreaterThan(1);
    expect(includes(newBundle)).not.toEqual(includes(oldBundle));
    expect([...includes(newBundle)].sort()).toEqual([...includes(oldBundle)].sort());
    expect(matches(newBundle)).toEqual(matches(oldBundle));
  });

  it('answers POST _search with the same matches as legacy', async () => {
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'identifier=MRN-00004424' };
    const oldBundle = json(await request(`${legacy.url}/fhir/Patient/_search`, form));
    const newBundle = json(await request(`${next.url}/fhir/Patient/_search`, form));
    expect(newBundle.total).toBe(1);
    expect(newBundle.entry.map((e: Entry) => e.resource.id)).toEqual(oldBundle.entry.map((e: Entry) => e.resource.id));
  });
});

function byValue(a: { value: string }, b: { value: string }): number {
  return a.value.localeCompare(b.value);
}
