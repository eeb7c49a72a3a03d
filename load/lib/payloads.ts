// Request bodies for the write routes. Pure (no k6 imports): tests/load can check their shape.

const HEART_RATE = { system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' };
const VITAL_SIGNS = { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' };

export function vitalSignsObservation(patientId: string, at: Date): Record<string, unknown> {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [VITAL_SIGNS] }],
    code: { coding: [HEART_RATE] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: at.toISOString(),
    valueQuantity: { value: 60 + Math.floor(Math.random() * 40), unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
  };
}

const PARACETAMOL = { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '161', display: 'Acetaminophen' };

export function medicationAdministration(patientId: string, at: Date): Record<string, unknown> {
  return {
    resourceType: 'MedicationAdministration',
    status: 'completed',
    medicationCodeableConcept: { coding: [PARACETAMOL] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: at.toISOString(),
    dosage: { route: { text: 'oral' }, dose: { value: 500, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } },
  };
}

/** HL7 v2 timestamp (YYYYMMDDHHMMSS, UTC). */
function hl7Timestamp(at: Date): string {
  return at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * An ADT^A01 (admit) message. Segments end in \r, as HL7 v2 requires (not \n); the patient name
 * has a non-ASCII letter so the ISO-8859-1 path through the proxy is exercised on every admission.
 */
export function admissionMessage(patientId: string, at: Date): string {
  const ts = hl7Timestamp(at);
  const control = `${ts}${Math.floor(Math.random() * 1e6)}`;
  return [
    `MSH|^~\\&|ADMIT|ED|EHR|HOSP|${ts}||ADT^A01^ADT_A01|${control}|P|2.5.1|||||||8859/1`,
    `EVN|A01|${ts}`,
    `PID|1||${patientId}^^^HOSP^MR||Müller^Jürgen^^^^^L||19580412|M`,
    `PV1|1|E|ED^01^A|||||||||||||||${control}`,
  ].join('\r') + '\r';
}

/** Latin-1 bytes of `text` (every character must be ≤ U+00FF). */
export function encodeLatin1(text: string): ArrayBuffer {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) throw new Error(`encodeLatin1: U+${code.toString(16)} is not in ISO-8859-1`);
    bytes[i] = code;
  }
  return bytes.buffer;
}
