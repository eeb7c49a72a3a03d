// The shape of a clinical day, as data. Pure (no k6 imports) so vitest can check the mix the load
// scripts generate — tests/load/day-profile.test.ts — without running k6.

export type Persona = 'nurse' | 'physician' | 'pharmacist' | 'registrar';
export const PERSONAS: readonly Persona[] = ['nurse', 'physician', 'pharmacist', 'registrar'];

export type Phase = 'night' | 'pre-shift' | 'shift-change' | 'rounds' | 'med-pass' | 'day' | 'ed-peak' | 'evening';

/** One clinical hour: `load` multiplies BASE_RPS (1.0 = an ordinary daytime hour). */
export interface ClinicalHour {
  readonly hour: number;
  readonly phase: Phase;
  readonly load: number;
}

/**
 * Load by hour, shaped after what ward systems see: nights at about a third of daytime, the two
 * shift changes (07:00, 19:00) as the sharpest peaks (every nurse opens every chart for handoff),
 * physician rounds after the morning handoff, the 09:00 and 21:00 medication passes, and the
 * emergency department's arrivals peaking around midday.
 */
export const CLINICAL_DAY: readonly ClinicalHour[] = [
  { hour: 0, phase: 'night', load: 0.35 },
  { hour: 1, phase: 'night', load: 0.35 },
  { hour: 2, phase: 'night', load: 0.3 },
  { hour: 3, phase: 'night', load: 0.3 },
  { hour: 4, phase: 'night', load: 0.35 },
  { hour: 5, phase: 'night', load: 0.45 },
  { hour: 6, phase: 'pre-shift', load: 0.8 },
  { hour: 7, phase: 'shift-change', load: 2.0 },
  { hour: 8, phase: 'rounds', load: 1.5 },
  { hour: 9, phase: 'med-pass', load: 1.8 },
  { hour: 10, phase: 'rounds', load: 1.3 },
  { hour: 11, phase: 'ed-peak', load: 1.5 },
  { hour: 12, phase: 'ed-peak', load: 1.8 },
  { hour: 13, phase: 'ed-peak', load: 1.6 },
  { hour: 14, phase: 'day', load: 1.2 },
  { hour: 15, phase: 'day', load: 1.1 },
  { hour: 16, phase: 'day', load: 1.0 },
  { hour: 17, phase: 'day', load: 1.0 },
  { hour: 18, phase: 'evening', load: 0.9 },
  { hour: 19, phase: 'shift-change', load: 2.0 },
  { hour: 20, phase: 'evening', load: 1.0 },
  { hour: 21, phase: 'med-pass', load: 1.5 },
  { hour: 22, phase: 'evening', load: 0.6 },
  { hour: 23, phase: 'night', load: 0.4 },
];

/** A user task: the requests one persona makes in one go, with think time between the steps. */
export type TaskName =
  | 'readPatient'
  | 'reviewObservations'
  | 'reviewMedications'
  | 'recordVitals'
  | 'administerMedication'
  | 'admitPatient'
  | 'searchPatient'
  | 'openChart'
  | 'censusReport';

/** Requests per task, split by whether they change data (the 70/30 read/write mix counts these). */
export interface TaskShape {
  readonly reads: number;
  readonly writes: number;
}

export const TASK_SHAPES: Readonly<Record<TaskName, TaskShape>> = {
  readPatient: { reads: 1, writes: 0 },
  // First page plus up to two `next` links: a clinician scrolls back about a shift of vitals.
  reviewObservations: { reads: 3, writes: 0 },
  reviewMedications: { reads: 1, writes: 0 },
  // At the bedside with the chart already open: only the POST.
  recordVitals: { reads: 0, writes: 1 },
  // Check the order (MedicationRequest), then document the administration.
  administerMedication: { reads: 1, writes: 1 },
  admitPatient: { reads: 0, writes: 1 },
  // FHIR `_search` is a POST but changes nothing: it counts as a read.
  searchPatient: { reads: 1, writes: 0 },
  // Login page, login form (a POST that creates a session: counted as a write), then the chart.
  openChart: { reads: 2, writes: 1 },
  censusReport: { reads: 1, writes: 0 },
};

type Weights<K extends string> = Readonly<Partial<Record<K, number>>>;

/** Who is active in each phase (relative weights). */
export const PERSONA_MIX: Readonly<Record<Phase, Weights<Persona>>> = {
  night: { nurse: 6, physician: 1, pharmacist: 1, registrar: 2 },
  'pre-shift': { nurse: 6, physician: 2, pharmacist: 1, registrar: 1 },
  'shift-change': { nurse: 7, physician: 2, pharmacist: 1, registrar: 1 },
  rounds: { nurse: 3, physician: 6, pharmacist: 1, registrar: 1 },
  'med-pass': { nurse: 7, physician: 1, pharmacist: 2, registrar: 1 },
  day: { nurse: 5, physician: 2, pharmacist: 1, registrar: 2 },
  'ed-peak': { nurse: 4, physician: 3, pharmacist: 1, registrar: 4 },
  evening: { nurse: 5, physician: 2, pharmacist: 1, registrar: 2 },
};

/** What each persona does, by phase (relative weights). A phase not listed uses `usual`. */
export const PERSONA_TASKS: Readonly<Record<Persona, { usual: Weights<TaskName> } & Partial<Record<Phase, Weights<TaskName>>>>> = {
  nurse: {
    usual: { readPatient: 3, reviewObservations: 1, recordVitals: 5, administerMedication: 1, openChart: 1 },
    // Handoff: open every chart, read the last vitals.
    'shift-change': { openChart: 4, readPatient: 3, reviewObservations: 2, recordVitals: 1 },
    // The medication pass is mostly documentation.
    'med-pass': { administerMedication: 6, recordVitals: 2, readPatient: 1 },
  },
  physician: {
    usual: { readPatient: 4, reviewObservations: 3, reviewMedications: 2, searchPatient: 1 },
    rounds: { readPatient: 4, reviewObservations: 4, reviewMedications: 2, openChart: 1 },
  },
  pharmacist: {
    usual: { reviewMedications: 6, readPatient: 2, searchPatient: 1 },
  },
  registrar: {
    usual: { admitPatient: 3, searchPatient: 3, censusReport: 1, readPatient: 1 },
    'ed-peak': { admitPatient: 6, searchPatient: 4, readPatient: 1, censusReport: 1 },
  },
};

export function tasksFor(persona: Persona, phase: Phase): Weights<TaskName> {
  const table = PERSONA_TASKS[persona];
  return table[phase] ?? table.usual;
}

/** Picks a key of `weights` with probability proportional to its weight; `random` is in [0, 1). */
export function pickWeighted<K extends string>(weights: Weights<K>, random: number): K {
  const entries = Object.entries(weights) as [K, number][];
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let remaining = random * total;
  for (const [key, weight] of entries) {
    remaining -= weight;
    if (remaining < 0) return key;
  }
  const last = entries[entries.length - 1];
  if (!last) throw new Error('pickWeighted: no weights');
  return last[0];
}

/** Expected requests per task and write share in one phase, from the tables above. */
export function phaseMix(phase: Phase): { requestsPerTask: number; writeShare: number } {
  let requests = 0;
  let writes = 0;
  const personas = PERSONA_MIX[phase];
  const personaTotal = sumWeights(personas);
  for (const persona of PERSONAS) {
    const personaShare = (personas[persona] ?? 0) / personaTotal;
    const tasks = tasksFor(persona, phase);
    const taskTotal = sumWeights(tasks);
    for (const [task, weight] of Object.entries(tasks) as [TaskName, number][]) {
      const share = personaShare * (weight / taskTotal);
      requests += share * (TASK_SHAPES[task].reads + TASK_SHAPES[task].writes);
      writes += share * TASK_SHAPES[task].writes;
    }
  }
  return { requestsPerTask: requests, writeShare: writes / requests };
}

/** Write share over the whole day, weighting each hour by its load. */
export function dayWriteShare(): number {
  let requests = 0;
  let writes = 0;
  for (const { phase, load } of CLINICAL_DAY) {
    const mix = phaseMix(phase);
    requests += load;
    writes += load * mix.writeShare;
  }
  return writes / requests;
}

function sumWeights(weights: Weights<string>): number {
  return Object.values(weights).reduce<number>((sum, weight) => sum + (weight ?? 0), 0);
}
