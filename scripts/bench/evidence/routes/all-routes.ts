// The routes of the evidence corpus: clinical JSON APIs, then HL7 v2, XML (CDA, FHIR XML against
// JSON) and generated text compared by its facts.
import type { RouteSpec } from '../route-spec.ts';
import { chartRoutes } from './chart-routes.ts';
import { factsRoutes } from './facts-routes.ts';
import { hl7v2Routes } from './hl7v2-routes.ts';
import { xmlRoutes } from './xml-routes.ts';
import { fhirRoutes } from './fhir-routes.ts';
import { operationsRoutes } from './operations-routes.ts';

export const ALL_ROUTES: readonly RouteSpec[] = [...fhirRoutes, ...chartRoutes, ...operationsRoutes, ...hl7v2Routes, ...xmlRoutes, ...factsRoutes];
