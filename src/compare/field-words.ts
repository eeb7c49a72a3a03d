// Field names known from the data standards Ficus compares (FHIR R4 element names, HL7/CDA and
// common JSON API vocabulary). Any other key is ambiguous, whatever its spelling: `status` is a
// field, `zebulonia`, `janeDoe` or `jane_doe` is a patient's name used as a key. Without a route's
// proof (its rules name it, it recurs within one array, or distinct records carry it) only these
// words are shown in a stored pointer (field-vocabulary.ts).
export const FIELD_WORDS: ReadonlySet<string> = new Set([
  // FHIR R4 element names that are single words
  'abatement', 'access', 'accession', 'action', 'active', 'activity', 'actor', 'address', 'administration', 'age', 'alias',
  'allergy', 'amount', 'annotation', 'answer', 'appointment', 'asserter', 'assigner', 'attachment', 'author', 'authored',
  'availability', 'basis', 'batch', 'benefit', 'birth', 'body', 'booking', 'category', 'cause', 'class', 'code', 'coding',
  'comment', 'communication', 'component', 'composition', 'concept', 'condition', 'confidentiality', 'contact', 'contained',
  'content', 'context', 'contract', 'coverage', 'created', 'criticality', 'currency', 'data', 'date', 'days', 'deceased',
  'definition', 'description', 'detail', 'device', 'diagnosis', 'display', 'div', 'dosage', 'dose', 'duration', 'effective',
  'encounter', 'end', 'endpoint', 'entry', 'episode', 'event', 'evidence', 'expression', 'extension', 'facility', 'family',
  'finding', 'focus', 'form', 'frequency', 'fullUrl', 'gender', 'given', 'goal', 'group', 'high', 'hospitalization',
  'id', 'identifier', 'implicitRules', 'instance', 'instant', 'instruction', 'insurance', 'intent', 'interpretation', 'issued',
  'item', 'kind', 'language', 'lastUpdated', 'line', 'link', 'location', 'lot', 'low', 'manufacturer', 'maritalStatus',
  'medication', 'meta', 'method', 'mode', 'modifier', 'name', 'narrative', 'note', 'numerator', 'denominator', 'occurrence',
  'onset', 'operation', 'organization', 'outcome', 'owner', 'participant', 'partOf', 'patient', 'payload', 'performer',
  'period', 'person', 'phone', 'photo', 'postalCode', 'practitioner', 'prefix', 'priority', 'procedure', 'product',
  'profile', 'purpose', 'quantity', 'range', 'rank', 'ratio', 'reaction', 'reason', 'recorded', 'recorder', 'reference',
  'relation', 'relationship', 'repeat', 'request', 'requester', 'resource', 'response', 'result', 'role', 'route', 'sample',
  'schedule', 'score', 'search', 'security', 'sequence', 'service', 'severity', 'signature', 'site', 'slot', 'source',
  'specimen', 'stage', 'start', 'state', 'status', 'subject', 'substance', 'suffix', 'summary', 'supplement', 'system',
  'tag', 'target', 'telecom', 'text', 'timing', 'title', 'total', 'type', 'unit', 'url', 'use', 'usage', 'value', 'version',
  'versionId', 'when', 'who', 'city', 'country', 'district', 'street', 'zip', 'postal',
  // common JSON API vocabulary
  'items', 'results', 'records', 'rows', 'list', 'page', 'pages', 'count', 'limit', 'offset', 'next', 'previous', 'prev',
  'links', 'self', 'href', 'meta', 'error', 'errors', 'message', 'messages', 'details', 'timestamp', 'time', 'created',
  'updated', 'modified', 'deleted', 'enabled', 'visible', 'label', 'labels', 'tags', 'notes', 'comments', 'first', 'last',
  'middle', 'email', 'mobile', 'fax', 'home', 'work', 'birthdate', 'dob', 'sex', 'mrn', 'ssn', 'age', 'weight', 'height',
  'temperature', 'pulse', 'bp', 'systolic', 'diastolic', 'spo2', 'glucose', 'orders', 'order', 'problems', 'problem',
  'medications', 'allergies', 'vitals', 'labs', 'lab', 'panel', 'panels', 'tests', 'test', 'flowsheet', 'flowsheets',
  'measure', 'measures', 'readings', 'reading', 'schedules', 'appointments', 'referrals', 'referral', 'provider',
  'providers', 'department', 'ward', 'bed', 'room', 'unit', 'units', 'shift', 'nurse', 'doctor', 'physician', 'clinician',
  'diagnoses', 'procedures', 'encounters', 'visits', 'visit', 'admission', 'discharge', 'charges', 'charge', 'claims',
  'claim', 'payer', 'plan', 'member', 'balance', 'price', 'cost', 'paid', 'due', 'copay', 'coverage', 'sections',
  'section', 'document', 'documents', 'file', 'files', 'attachments', 'version', 'revision', 'flags', 'flag', 'mode',
  'kind', 'format', 'encoding', 'charset', 'locale', 'timezone', 'zone', 'region', 'site', 'sites', 'by', 'at', 'on',
  // FHIR R4 element names in camelCase (spelling alone proves nothing: `janeDoe` is camelCase too)
  'resourceType', 'birthDate', 'deceasedBoolean', 'deceasedDateTime', 'multipleBirthBoolean', 'multipleBirthInteger',
  'generalPractitioner', 'managingOrganization', 'clinicalStatus', 'verificationStatus', 'recordedDate', 'onsetDateTime',
  'onsetPeriod', 'abatementDateTime', 'effectiveDateTime', 'effectivePeriod', 'effectiveInstant', 'valueQuantity',
  'valueString', 'valueBoolean', 'valueInteger', 'valueDecimal', 'valueDateTime', 'valueCodeableConcept', 'valueCoding',
  'valuePeriod', 'valueRange', 'valueReference', 'valueSampledData', 'valueBase64Binary', 'referenceRange', 'bodySite',
  'basedOn', 'hasMember', 'derivedFrom', 'dataAbsentReason', 'medicationCodeableConcept', 'medicationReference',
  'dosageInstruction', 'doseAndRate', 'doseQuantity', 'doseRange', 'rateQuantity', 'maxDosePerPeriod', 'authoredOn',
  'statusReason', 'reasonCode', 'reasonReference', 'occurrenceDateTime', 'occurrencePeriod', 'vaccineCode', 'lotNumber',
  'expirationDate', 'serviceProvider', 'episodeOfCare', 'lengthOfStay', 'contentType', 'presentedForm', 'conclusionCode',
  'performedDateTime', 'performedPeriod', 'collectedDateTime', 'receivedTime', 'enteredDate', 'lastOccurrence',
  'telecomSystem', 'assignedAuthor', 'assignedPerson', 'recordTarget', 'patientRole', 'structuredBody',
  // common JSON API vocabulary in camelCase
  'createdAt', 'updatedAt', 'deletedAt', 'generatedAt', 'requestId', 'traceId', 'correlationId', 'patientId',
  'pageSize', 'totalCount', 'nextPage', 'nextCursor', 'firstName', 'lastName', 'dateOfBirth', 'phoneNumber',
]);
