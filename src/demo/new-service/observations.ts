// The new vitals service. Same Observations and paging as legacy, with three deliberate differences:
// page tokens are its own opaque encoding, valueQuantity.value is stored with 2 decimals (legacy
// keeps 3; the difference is at most 0.005 absolute, under 0.001 relative for every vital), and
// every Observation names its origin in meta.source.
import type { Route, RouteContext } from '../shared/router.ts';
import { operationOutcome, patientIdFromReference, searchsetBundle, isObject, type FhirResource } from '../shared/fhir.ts';
import { sendFhir } from '../shared/respond.ts';
import type { DemoStore } from '../data/store.ts';
import { observationProblem } from '../data/validation.ts';
import { createWriteRoute } from './dry-run.ts';

export const NEW_SERVICE_SOURCE = 'urn:ficus-demo:vitals-service';

export interface NewObservationDeps {
  readonly store: DemoStore;
  readonly now: () => Date;
}

interface PageCursor {
  readonly v: 2;
  readonly patient: string;
  readonly offset: number;
  readonly size: number;
}

const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;

export function newObservationRoutes(deps: NewObservationDeps): Route[] {
  return [
    { method: 'GET', path: /^\/fhir\/Observation$/, handle: (c) => answerSearch(deps, c) },
    createWriteRoute({ ...deps, resourceType: 'Observation', problemWith: observationProblem }),
  ];
}

export function renderNewObservation(observation: FhirResource): FhirResource {
  const quantity = observation.valueQuantity;
  const rounded = isObject(quantity) && typeof quantity.value === 'number'
    ? { valueQuantity: { ...quantity, value: Math.round(quantity.value * 100) / 100 } }
    : {};
  const meta = isObject(observation.meta) ? observation.meta : {};
  return { ...observation, meta: { ...meta, source: NEW_SERVICE_SOURCE }, ...rounded };
}

function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeCursor(token: string): PageCursor | undefined {
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<PageCursor>;
    const valid = cursor.v === 2 && typeof cursor.patient === 'string' && Number.isInteger(cursor.offset) && Number.isInteger(cursor.size);
    return valid ? (cursor as PageCursor) : undefined;
  } catch {
    return undefined;
  }
}

function cursorOf(query: URLSearchParams): PageCursor | string {
  const token = query.get('_page_token');
  if (token !== null) return decodeCursor(token) ?? 'Invalid or expired _page_token';
  const patient = patientIdFromReference(query.get('patient'));
  if (!patient) return 'The patient search parameter is required';
  const size = Number(query.get('_count') ?? DEFAULT_PAGE_SIZE);
  if (!Number.isInteger(size) || size < 1) return '_count must be a positive integer';
  return { v: 2, patient, offset: 0, size: Math.min(size, MAX_PAGE_SIZE) };
}

function answerSearch({ store }: NewObservationDeps, { req, res, query }: RouteContext): void {
  const cursor = cursorOf(query);
  if (typeof cursor === 'string') return sendFhir(res, 400, operationOutcome('invalid', cursor));
  const all = store.listObservations(cursor.patient);
  const nextOffset = cursor.offset + cursor.size;
  sendFhir(res, 200, searchsetBundle({
    total: all.length,
    selfUrl: req.url ?? '/fhir/Observation',
    nextUrl: nextOffset < all.length ? `/fhir/Observation?_page_token=${encodeCursor({ ...cursor, offset: nextOffset })}` : undefined,
    entries: all.slice(cursor.offset, nextOffset).map((o) => ({ resource: renderNewObservation(o), mode: 'match' })),
  }));
}
