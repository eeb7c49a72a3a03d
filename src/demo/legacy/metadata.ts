// The CapabilityStatement: what a FHIR client reads first to learn what this server supports.
import type { Route } from '../shared/router.ts';
import { sendFhir } from '../shared/respond.ts';
import type { FhirResource } from '../shared/fhir.ts';

export const LEGACY_CAPABILITIES: FhirResource = {
  resourceType: 'CapabilityStatement',
  status: 'active',
  date: '2019-03-14',
  publisher: 'EHR Core (demo)',
  kind: 'instance',
  software: { name: 'EHR Core', version: '7.4.2' },
  fhirVersion: '4.0.1',
  format: ['application/fhir+json'],
  rest: [{
    mode: 'server',
    resource: [
      { type: 'Patient', interaction: [{ code: 'read' }, { code: 'update' }, { code: 'search-type' }], versioning: 'versioned-update', conditionalUpdate: false,
        searchParam: [{ name: 'name', type: 'string' }, { name: 'identifier', type: 'token' }] },
      { type: 'Observation', interaction: [{ code: 'create' }, { code: 'search-type' }], searchParam: [{ name: 'patient', type: 'reference' }] },
      { type: 'MedicationRequest', interaction: [{ code: 'search-type' }], searchInclude: ['MedicationRequest:medication'], searchParam: [{ name: 'patient', type: 'reference' }] },
      { type: 'MedicationAdministration', interaction: [{ code: 'create' }] },
    ],
  }],
};

export function metadataRoutes(): Route[] {
  return [{ method: 'GET', path: /^\/fhir\/metadata$/, handle: ({ res }) => sendFhir(res, 200, LEGACY_CAPABILITIES) }];
}
