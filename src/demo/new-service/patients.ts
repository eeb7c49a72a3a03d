// The new patient service. Same data as legacy, with the differences a real migration has:
// - meta.lastUpdated is the stored modification time (stable across reads — legacy's is "now");
// - telecom is ordered by system then value (email before phones), where legacy keeps entry order;
// - a real bug: for ~3% of patients the migration lost birthDate and name[0].text.
import type { Route, RouteContext } from '../shared/router.ts';
import { operationOutcome, searchsetBundle, type FhirResource } from '../shared/fhir.ts';
import { sendFhir } from '../shared/respond.ts';
import { readForm } from '../shared/body.ts';
import { hashString } from '../shared/prng.ts';
import { weakEtag } from '../shared/etag.ts';
import type { DemoStore } from '../data/store.ts';
import type { PatientEntry } from '../data/patients.ts';
import { searchPatients } from '../data/patient-search.ts';

export interface NewPatientDeps {
  readonly store: DemoStore;
}

interface Telecom { readonly system?: string; readonly value?: string }

export function newPatientRoutes(deps: NewPatientDeps): Route[] {
  return [
    { method: 'GET', path: /^\/fhir\/Patient$/, handle: (c) => answerSearch(deps, c, c.query) },
    { method: 'POST', path: /^\/fhir\/Patient\/_search$/, handle: async (c) => answerSearch(deps, c, await readForm(c.req)) },
    { method: 'GET', path: /^\/fhir\/Patient\/(?<id>[^/$]+)$/, handle: (c) => answerRead(deps, c) },
  ];
}

/** The deterministic ~3% of patients whose migrated record lacks birthDate and name[0].text. */
export function hasMigrationBug(patientId: string): boolean {
  return hashString(`migration:${patientId}`) % 100 < 3;
}

export function renderNewPatient(entry: PatientEntry): FhirResource {
  const { resourceType, id, ...rest } = entry.resource;
  const patient: FhirResource = {
    resourceType,
    id,
    meta: { versionId: String(entry.version), lastUpdated: entry.lastModified.toISOString() },
    ...rest,
    telecom: [...((rest.telecom ?? []) as Telecom[])].sort((a, b) =>
      (a.system ?? '').localeCompare(b.system ?? '') || (a.value ?? '').localeCompare(b.value ?? '')),
  };
  return id && hasMigrationBug(id) ? withMigrationBug(patient) : patient;
}

function withMigrationBug(patient: FhirResource): FhirResource {
  const { birthDate: _lost, name, ...rest } = patient;
  const [first, ...others] = (name ?? []) as Array<Record<string, unknown>>;
  if (!first) return rest as FhirResource;
  const { text: _alsoLost, ...firstWithoutText } = first;
  return { ...rest, name: [firstWithoutText, ...others] } as FhirResource;
}

function answerRead({ store }: NewPatientDeps, { res, params }: RouteContext): void {
  const entry = store.findPatient(params.id ?? '');
  if (!entry) return sendFhir(res, 404, operationOutcome('not-found', `Resource Patient/${params.id} not found`));
  sendFhir(res, 200, renderNewPatient(entry), { etag: weakEtag(entry.version), 'last-modified': entry.lastModified.toUTCString() });
}

function answerSearch({ store }: NewPatientDeps, { req, res }: RouteContext, params: URLSearchParams): void {
  const result = searchPatients(store, params);
  if (result.kind === 'invalid') return sendFhir(res, 400, operationOutcome('invalid', result.reason));
  sendFhir(res, 200, searchsetBundle({
    total: result.patients.length,
    selfUrl: req.url ?? '/fhir/Patient',
    entries: result.patients.map((entry) => ({ resource: renderNewPatient(entry), mode: 'match' })),
  }));
}
