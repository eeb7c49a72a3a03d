// Which parts of a request path are the endpoint and which are data. The migration map must name
// endpoints without ever storing a patient's MRN, name or birth date that travels in a path, so a
// segment is data ('*') unless it is a known endpoint word: listed in the route files or the
// built-in vocabulary (path-template.ts). Traffic never proves a word. Shapes that are always data
// are decided here, per segment.

/** Segments that are data whatever the traffic: numbers, ids, dates, anything with a digit run or an @. */
const ALWAYS_DATA: readonly RegExp[] = [
  /\d{2,}/, // MRNs, numeric ids, dates, years, phone numbers
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, // UUIDs
  /^[0-9a-f]{12,}$/i, // hex ids, hashes
  /[@%=+,;:~!']/, // e-mail addresses, encoded or punctuated values
  /^\d+$/,
];

/** Endpoint words every EHR-side API uses; route files add their own literal segments. */
export const BUILT_IN_VOCABULARY: readonly string[] = [
  'api', 'v1', 'v2', 'v3', 'fhir', 'r4', 'stu3', 'hl7', 'adt', 'metadata', '_search', '_history', '$everything', '$validate',
  'Patient', 'Encounter', 'Observation', 'Condition', 'MedicationRequest', 'MedicationAdministration', 'Medication',
  'AllergyIntolerance', 'Procedure', 'DiagnosticReport', 'Immunization', 'Practitioner', 'Organization', 'Location',
  'Appointment', 'Schedule', 'Slot', 'DocumentReference', 'ServiceRequest', 'CarePlan', 'Coverage', 'Claim', 'Bundle',
  'patients', 'patient', 'summary', 'summaries', 'notes', 'labs', 'vitals', 'medications', 'allergies', 'documents', 'reports',
  'results', 'encounters', 'appointments', 'login', 'logout', 'health', 'status', 'search', 'charts', 'chart', 'orders', 'billing', 'schedules', 'census', 'uploads',
];

export type SegmentClass = { readonly kind: 'data' } | { readonly kind: 'word'; readonly known: boolean };

export function classifyPathSegment(segment: string, vocabulary: ReadonlySet<string>): SegmentClass {
  if (vocabulary.has(segment)) return { kind: 'word', known: true };
  if (segment.length === 0 || segment.length > 40) return { kind: 'data' };
  if (ALWAYS_DATA.some((pattern) => pattern.test(segment))) return { kind: 'data' };
  // Plain words may be endpoints (/charts) or data (/patients/quigglesworth): only the vocabulary decides.
  return /^[A-Za-z$_][A-Za-z0-9_.$-]*$/.test(segment) ? { kind: 'word', known: false } : { kind: 'data' };
}
