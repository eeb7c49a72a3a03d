// Synthetic patients: invented names (some with Latin-1 letters, so HL7 and charset handling are
// exercised), fictional 555-01xx phone numbers, example.org e-mail and addresses. No real person.
import { between, pick, seededRandom } from '../shared/prng.ts';
import type { FhirResource } from '../shared/fhir.ts';
import { DATASET_EPOCH, DATASET_SEED, MRN_SYSTEM, mrnOf, patientIndexOf } from './seed.ts';

const GIVEN_FEMALE = ['Alvena', 'Brisa', 'Corliss', 'Dorinda', 'Elspeth', 'Fenna', 'Gwendolin', 'Hessa', 'Ilse', 'Jorunn', 'Kestra', 'Liora', 'Maelis', 'Noémie', 'Oriane', 'Perrine'];
const GIVEN_MALE = ['Aldric', 'Bastien', 'Corvin', 'Dagobert', 'Emeric', 'Florian', 'Gunnar', 'Hallvard', 'Isidor', 'Jérôme', 'Kasimir', 'Lorcan', 'Mattis', 'Niklaus', 'Osric', 'Piran'];
const FAMILY = ['Müller', 'Quennell', 'Ashgrove', 'Brightwater', 'Ødegård', 'Castellane', 'Duvernoy', 'Fairweather', 'Galloway', 'Hartigan', 'Ibarra', 'Núñez', 'Kettleby', 'Larkspur', 'Marchetti', 'Nørgaard', 'Oakhurst', 'Pemberton', 'Rosenthal', 'Schäfer', 'Thornbury', 'Valcourt', 'Whitlock', 'Yarrowby'];
const STREETS = ['Elm Row', 'Harbour Lane', 'Mill Street', 'Orchard Way', 'Quarry Road', 'Willow Close'];
const CITIES = ['Springfield', 'Riverton', 'Lakeside', 'Fairview'];

/** A patient as the EHR stores it: the FHIR body (without meta) plus version bookkeeping. */
export interface PatientEntry {
  readonly resource: FhirResource;
  readonly version: number;
  readonly lastModified: Date;
}

export function synthesizePatient(id: string): PatientEntry | undefined {
  const index = patientIndexOf(id);
  if (index === undefined) return undefined;
  const random = seededRandom(`${DATASET_SEED}:patient:${id}`);
  const gender = random() < 0.5 ? 'female' : 'male';
  const given = [pick(random, gender === 'female' ? GIVEN_FEMALE : GIVEN_MALE)];
  if (random() < 0.3) given.push(pick(random, gender === 'female' ? GIVEN_FEMALE : GIVEN_MALE));
  const family = pick(random, FAMILY);
  const birthDate = syntheticBirthDate(random);
  const daysSinceEdit = Math.floor(between(random, 1, 900));
  const resource: FhirResource = {
    resourceType: 'Patient',
    id,
    identifier: [{ use: 'usual', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, system: MRN_SYSTEM, value: mrnOf(index) }],
    active: true,
    name: [{ use: 'official', text: `${given.join(' ')} ${family}`, family, given }],
    telecom: syntheticTelecom(random, index, given[0] ?? 'patient', family),
    gender,
    birthDate,
    address: [{ use: 'home', line: [`${Math.floor(between(random, 1, 200))} ${pick(random, STREETS)}`], city: pick(random, CITIES), postalCode: String(Math.floor(between(random, 10000, 99999))), country: 'XX' }],
  };
  return {
    resource,
    version: 1 + Math.floor(random() * 6),
    lastModified: new Date(DATASET_EPOCH.getTime() - daysSinceEdit * 86_400_000 - Math.floor(random() * 86_400) * 1000),
  };
}

function syntheticBirthDate(random: () => number): string {
  const start = Date.UTC(1931, 0, 1);
  const end = Date.UTC(2019, 11, 31);
  return new Date(start + Math.floor(random() * (end - start))).toISOString().slice(0, 10);
}

// Phones come first and e-mail last in the legacy record: the order the monolith's UI entered them.
function syntheticTelecom(random: () => number, index: number, given: string, family: string): Array<Record<string, string>> {
  const local = `${given}.${family}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase();
  return [
    { system: 'phone', value: `+1-555-01${String(index % 100).padStart(2, '0')}`, use: 'home' },
    { system: 'phone', value: `+1-555-01${String(Math.floor(random() * 100)).padStart(2, '0')}`, use: 'mobile' },
    { system: 'email', value: `${local}.${index}@example.org`, use: 'home' },
  ];
}
