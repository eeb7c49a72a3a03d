// The tasks of load/lib/day.ts made of requests, with think time between steps per persona.
import { sleep } from 'k6';
import type { Persona, TaskName } from './day.ts';
import { positiveNumber } from './target.ts';
import {
  ROUTES,
  createMedicationAdministration,
  createObservation,
  firstObservationsPage,
  openChart,
  openLoginPage,
  randomPatientId,
  readCensus,
  readMedicationRequests,
  readObservationsPage,
  readPatient,
  searchPatients,
  sendAdmission,
  submitLogin,
} from './requests.ts';

/** Seconds between two steps of a task, per persona: a registrar types fast, a physician reads. */
export const THINK_SECONDS: Readonly<Record<Persona, { min: number; max: number }>> = {
  nurse: { min: 0.5, max: 2 },
  physician: { min: 1, max: 3 },
  pharmacist: { min: 0.5, max: 2.5 },
  registrar: { min: 0.3, max: 1 },
};

/** THINK_SCALE shrinks or stretches every think time (the smoke run uses a small one). */
const THINK_SCALE = positiveNumber('THINK_SCALE', 1);

/** The longest a task can take in think time alone; sizes the VU pools. */
export function longestThinkSeconds(): number {
  const slowest = Math.max(...Object.values(THINK_SECONDS).map((think) => think.max));
  return MAX_THINK_GAPS * slowest * THINK_SCALE;
}

/** reviewObservations and openChart have the most steps: three requests, two gaps. */
const MAX_THINK_GAPS = 2;
const MAX_OBSERVATION_PAGES = 3;

function think(persona: Persona): void {
  const { min, max } = THINK_SECONDS[persona];
  sleep((min + Math.random() * (max - min)) * THINK_SCALE);
}

export function runTask(task: TaskName, persona: Persona): void {
  TASKS[task](persona);
}

const TASKS: Readonly<Record<TaskName, (persona: Persona) => void>> = {
  readPatient: () => {
    readPatient(randomPatientId());
  },
  reviewObservations: (persona) => {
    let page: string | undefined = firstObservationsPage(randomPatientId());
    for (let n = 0; page !== undefined && n < MAX_OBSERVATION_PAGES; n++) {
      if (n > 0) think(persona);
      page = readObservationsPage(page, n === 0 ? ROUTES.observationsFirstPage : ROUTES.observationsNextPage);
    }
  },
  reviewMedications: () => {
    readMedicationRequests(randomPatientId());
  },
  recordVitals: () => {
    createObservation(randomPatientId());
  },
  administerMedication: (persona) => {
    const patientId = randomPatientId();
    readMedicationRequests(patientId);
    think(persona);
    createMedicationAdministration(patientId);
  },
  admitPatient: () => {
    sendAdmission(randomPatientId());
  },
  searchPatient: () => {
    searchPatients();
  },
  openChart: (persona) => {
    openLoginPage();
    think(persona);
    submitLogin(`${persona}.loadtest`);
    think(persona);
    openChart();
  },
  censusReport: () => {
    readCensus();
  },
};
