// Legacy Patient endpoints: read, search (GET and the safe POST _search), and version-checked
// update. Quirk kept on purpose: meta.lastUpdated is stamped with the current time on every read,
// so two identical reads differ — exactly the noise Ficus's noise learning must discover.
import type { Route, RouteContext } from '../shared/router.ts';
import { operationOutcome, searchsetBundle, isObject, type FhirResource } from '../shared/fhir.ts';
import { sendFhir } from '../shared/respond.ts';
import { discardBody, readForm, readJson } from '../shared/body.ts';
import { versionFromIfMatch, weakEtag } from '../shared/etag.ts';
import type { DemoStore } from '../data/store.ts';
import type { PatientEntry } from '../data/patients.ts';
import { searchPatients } from '../data/patient-search.ts';

export interface LegacyPatientDeps {
  readonly store: DemoStore;
  readonly now: () => Date;
}

export function legacyPatientRoutes(deps: LegacyPatientDeps): Route[] {
  return [
    { method: 'GET', path: /^\/fhir\/Patient$/, handle: (c) => answerSearch(deps, c, c.query) },
    { method: 'POST', path: /^\/fhir\/Patient\/_search$/, handle: async (c) => answerSearch(deps, c, await readForm(c.req)) },
    { method: 'GET', path: /^\/fhir\/Patient\/(?<id>[^/]+)$/, handle: (c) => answerRead(deps, c) },
    { method: 'PUT', path: /^\/fhir\/Patient\/(?<id>[^/]+)$/, handle: (c) => answerUpdate(deps, c) },
  ];
}

export function renderLegacyPatient(entry: PatientEntry, now: Date): FhirResource {
  const { resourceType, id, ...rest } = entry.resource;
  return { resourceType, id, meta: { versionId: String(entry.version), lastUpdated: now.toISOString() }, ...rest };
}

function versionHeaders(entry: PatientEntry): Record<string, string> {
  return { etag: weakEtag(entry.version), 'last-modified': entry.lastModified.toUTCString() };
}

function answerRead({ store, now }: LegacyPatientDeps, { res, params }: RouteContext): void {
  const entry = store.findPatient(params.id ?? '');
  if (!entry) return sendFhir(res, 404, operationOutcome('not-found', `Patient/${params.id} is not known`));
  sendFhir(res, 200, renderLegacyPatient(entry, now()), versionHeaders(entry));
}

function answerSearch({ store, now }: LegacyPatientDeps, { res, req }: RouteContext, params: URLSearchParams): void {
  const result = searchPatients(store, params);
  if (result.kind === 'invalid') return sendFhir(res, 400, operationOutcome('invalid', result.reason));
  const stamp = now();
  sendFhir(res, 200, searchsetBundle({
    total: result.patients.length,
    selfUrl: req.url ?? '/fhir/Patient',
    entries: result.patients.map((entry) => ({ resource: renderLegacyPatient(entry, stamp), mode: 'match' })),
  }));
}

async function answerUpdate({ store, now }: LegacyPatientDeps, { req, res, params }: RouteContext): Promise<void> {
  const id = params.id ?? '';
  const current = store.findPatient(id);
  const refuse = (status: number, outcome: FhirResource): void => {
    discardBody(req);
    sendFhir(res, status, outcome);
  };
  if (!current) return refuse(404, operationOutcome('not-found', `Patient/${id} is not known`));
  const ifMatch = req.headers['if-match'];
  if (!ifMatch) return refuse(428, operationOutcome('required', 'Updates need If-Match with the current version (W/"n")'));
  if (versionFromIfMatch(ifMatch) !== current.version) {
    return refuse(412, operationOutcome('conflict', `Version conflict: Patient/${id} is at ${weakEtag(current.version)}`));
  }
  const body = await readJson(req);
  const problem = patientBodyProblem(body, id);
  if (problem) return sendFhir(res, 400, operationOutcome('invalid', problem));
  const { meta: _meta, ...resource } = body as FhirResource;
  const updated = store.replacePatient(id, resource as FhirResource, now());
  sendFhir(res, 200, renderLegacyPatient(updated, now()), versionHeaders(updated));
}

function patientBodyProblem(body: unknown, id: string): string | undefined {
  if (!isObject(body) || body.resourceType !== 'Patient') return 'Body must be a JSON Patient resource';
  if (body.id !== undefined && body.id !== id) return `Body id ${String(body.id)} does not match the URL id ${id}`;
  return undefined;
}

