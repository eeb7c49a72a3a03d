// The mutable part of a demo upstream: edits and created resources layered over the synthetic
// dataset. One store per server instance, so every test starts from the same deterministic state.
import type { FhirResource } from '../shared/fhir.ts';
import { allPatientIds } from './seed.ts';
import { synthesizePatient, type PatientEntry } from './patients.ts';
import { synthesizeVitals } from './vitals.ts';

export interface DemoStore {
  findPatient(id: string): PatientEntry | undefined;
  /** Every patient, in id order (for searches). */
  listPatients(): PatientEntry[];
  replacePatient(id: string, resource: FhirResource, now: Date): PatientEntry;
  /** Created Observations (newest first), then the synthetic ones. */
  listObservations(patientId: string): FhirResource[];
  /** The id the next created resource of this type will get, without using it up. */
  peekId(resourceType: string): string;
  create(resource: FhirResource, now: Date): FhirResource;
  listCreated(resourceType: string): FhirResource[];
}

export function createDemoStore(idPrefix: string): DemoStore {
  const editedPatients = new Map<string, PatientEntry>();
  const created = new Map<string, FhirResource[]>();
  const counters = new Map<string, number>();

  const idFor = (resourceType: string, sequence: number): string =>
    `${resourceType.toLowerCase()}-${idPrefix}${String(sequence).padStart(6, '0')}`;

  const findPatient = (id: string): PatientEntry | undefined => editedPatients.get(id) ?? synthesizePatient(id);

  return {
    findPatient,
    listPatients: () => allPatientIds().flatMap((id) => findPatient(id) ?? []),
    replacePatient(id, resource, now) {
      const previous = findPatient(id);
      const entry = { resource: { ...resource, id }, version: (previous?.version ?? 0) + 1, lastModified: now };
      editedPatients.set(id, entry);
      return entry;
    },
    listObservations(patientId) {
      const mine = (created.get('Observation') ?? []).filter((o) => (o.subject as { reference?: string } | undefined)?.reference === `Patient/${patientId}`);
      return [...mine.reverse(), ...synthesizeVitals(patientId)];
    },
    peekId: (resourceType) => idFor(resourceType, (counters.get(resourceType) ?? 0) + 1),
    create(resource, now) {
      const sequence = (counters.get(resource.resourceType) ?? 0) + 1;
      counters.set(resource.resourceType, sequence);
      const stored = { ...resource, id: idFor(resource.resourceType, sequence), meta: { versionId: '1', lastUpdated: now.toISOString() } };
      created.set(resource.resourceType, [...(created.get(resource.resourceType) ?? []), stored]);
      return stored;
    },
    listCreated: (resourceType) => [...(created.get(resourceType) ?? [])],
  };
}
