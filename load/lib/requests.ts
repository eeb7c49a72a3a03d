// One function per demo route the load hits. Each request is tagged with a route NAME (no patient
// ids, no query strings), checked, and measured for proxy_added_latency.
import { check } from 'k6';
import http from 'k6/http';
import type { Params, RefinedResponse, RequestBody, ResponseType } from 'k6/http';
import { recordAddedLatency } from './added-latency.ts';
import { PROXY_URL } from './target.ts';
import { admissionMessage, encodeLatin1, medicationAdministration, vitalSignsObservation } from './payloads.ts';

/** The demo monolith knows pat-0001 … pat-0500. */
export const PATIENT_COUNT = 500;

export function randomPatientId(): string {
  const n = 1 + Math.floor(Math.random() * PATIENT_COUNT);
  return `pat-${String(n).padStart(4, '0')}`;
}

/** Route names: the only values the `name` tag ever takes. */
export const ROUTES = {
  readPatient: 'GET /fhir/Patient/:id',
  observationsFirstPage: 'GET /fhir/Observation',
  observationsNextPage: 'GET /fhir/Observation :next-page',
  medicationRequests: 'GET /fhir/MedicationRequest',
  createObservation: 'POST /fhir/Observation',
  createMedicationAdministration: 'POST /fhir/MedicationAdministration',
  admission: 'POST /hl7/adt',
  searchPatients: 'POST /fhir/Patient/_search',
  loginPage: 'GET /login',
  loginForm: 'POST /login',
  chart: 'GET /chart',
  census: 'GET /reports/census',
} as const;
export const ROUTE_NAMES: readonly string[] = Object.values(ROUTES);

type Response = RefinedResponse<ResponseType>;

function send(method: string, path: string, body: RequestBody | null, route: string, params: Params = {}): Response {
  const url = path.startsWith('http') ? path : `${PROXY_URL}${path}`;
  const res = http.request(method, url, body, { ...params, tags: { ...params.tags, name: route } });
  recordAddedLatency(res, route);
  return res;
}

function expectStatus(res: Response, route: string, accepted: (status: number) => boolean, label: string): boolean {
  return check(res, { [`${route} ${label}`]: (r) => accepted(r.status) }, { name: route });
}

const isOk = (status: number): boolean => status === 200;
const is2xx = (status: number): boolean => status >= 200 && status < 300;

export function readPatient(patientId: string): Response {
  const res = send('GET', `/fhir/Patient/${patientId}`, null, ROUTES.readPatient, { headers: { Accept: 'application/fhir+json' } });
  expectStatus(res, ROUTES.readPatient, isOk, 'is 200');
  return res;
}

/** First page of a patient's observations; returns the `next` link (as the server wrote it), if any. */
export function readObservationsPage(pageUrl: string, route: string): string | undefined {
  const res = send('GET', pageUrl, null, route, { headers: { Accept: 'application/fhir+json' } });
  expectStatus(res, route, isOk, 'is 200');
  const next = nextLink(res);
  // A next link must lead back through the proxy: one that names the monolith's own address would
  // send the client around Ficus.
  if (next !== undefined) {
    check(next, { [`${route} next link stays on the proxy`]: (url) => !url.startsWith('http') || url.startsWith(PROXY_URL) }, { name: route });
  }
  return next;
}

export function firstObservationsPage(patientId: string): string {
  return `/fhir/Observation?patient=${patientId}&_count=10`;
}

function nextLink(res: Response): string | undefined {
  try {
    const bundle = JSON.parse(String(res.body)) as { link?: { relation?: string; url?: string }[] };
    return bundle.link?.find((link) => link.relation === 'next')?.url;
  } catch {
    return undefined;
  }
}

export function readMedicationRequests(patientId: string): Response {
  const route = ROUTES.medicationRequests;
  const res = send('GET', `/fhir/MedicationRequest?patient=${patientId}&_include=MedicationRequest:medication`, null, route, {
    headers: { Accept: 'application/fhir+json' },
  });
  expectStatus(res, route, isOk, 'is 200');
  return res;
}

export function createObservation(patientId: string): Response {
  const route = ROUTES.createObservation;
  const res = send('POST', '/fhir/Observation', JSON.stringify(vitalSignsObservation(patientId, new Date())), route, {
    headers: { 'Content-Type': 'application/fhir+json', Accept: 'application/fhir+json' },
  });
  expectStatus(res, route, is2xx, 'is 2xx');
  return res;
}

export function createMedicationAdministration(patientId: string): Response {
  const route = ROUTES.createMedicationAdministration;
  const res = send('POST', '/fhir/MedicationAdministration', JSON.stringify(medicationAdministration(patientId, new Date())), route, {
    headers: { 'Content-Type': 'application/fhir+json', Accept: 'application/fhir+json' },
  });
  expectStatus(res, route, is2xx, 'is 2xx');
  return res;
}

export function sendAdmission(patientId: string): Response {
  const route = ROUTES.admission;
  // Sent as ISO-8859-1 bytes, as the interface engines of the monolith's era do.
  const res = send('POST', '/hl7/adt', encodeLatin1(admissionMessage(patientId, new Date())), route, {
    headers: { 'Content-Type': 'application/hl7-v2; charset=ISO-8859-1' },
  });
  expectStatus(res, route, is2xx, 'is 2xx');
  return res;
}

const SEARCH_NAMES = ['Smith', 'Garcia', 'Nguyen', 'Müller', 'Okafor', 'Kowalski'];

export function searchPatients(): Response {
  const route = ROUTES.searchPatients;
  const name = SEARCH_NAMES[Math.floor(Math.random() * SEARCH_NAMES.length)] ?? 'Smith';
  const res = send('POST', '/fhir/Patient/_search', `name=${encodeURIComponent(name)}`, route, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/fhir+json' },
  });
  expectStatus(res, route, isOk, 'is 200');
  return res;
}

export function openLoginPage(): Response {
  const res = send('GET', '/login', null, ROUTES.loginPage);
  expectStatus(res, ROUTES.loginPage, isOk, 'is 200');
  return res;
}

/** Posts the login form; the 302 is checked, not followed, so its cookies land in the VU's jar. */
export function submitLogin(user: string): Response {
  const route = ROUTES.loginForm;
  const res = send('POST', '/login', `user=${encodeURIComponent(user)}&password=demo`, route, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    redirects: 0,
  });
  expectStatus(res, route, (status) => status === 302, 'is 302');
  check(res, { [`${route} sets a cookie`]: (r) => Object.keys(r.cookies).length > 0 }, { name: route });
  return res;
}

export function openChart(): Response {
  const res = send('GET', '/chart', null, ROUTES.chart, { redirects: 0 });
  expectStatus(res, ROUTES.chart, isOk, 'is 200');
  return res;
}

export function readCensus(): Response {
  const route = ROUTES.census;
  const res = send('GET', '/reports/census', null, route, { headers: { 'Accept-Encoding': 'gzip' } });
  expectStatus(res, route, isOk, 'is 200');
  check(res, { [`${route} has a body`]: (r) => String(r.body ?? '').length > 0 }, { name: route });
  return res;
}
