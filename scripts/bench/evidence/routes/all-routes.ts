// The 22 routes of the evidence corpus.
import type { RouteSpec } from '../route-spec.ts';
import { chartRoutes } from './chart-routes.ts';
import { fhirRoutes } from './fhir-routes.ts';
import { operationsRoutes } from './operations-routes.ts';

export const ALL_ROUTES: readonly RouteSpec[] = [...fhirRoutes, ...chartRoutes, ...operationsRoutes];
