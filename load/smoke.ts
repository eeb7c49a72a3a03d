// CI smoke (20 s, light): every route at least a few times, so the load scripts never rot.
// Fails only on errors and failed checks (including the Server-Timing contract), never on latency.
//   k6 run -e FICUS_URL=http://127.0.0.1:8080 load/smoke.ts
import exec from 'k6/execution';
import { PERSONAS } from './lib/day.ts';
import type { TaskName } from './lib/day.ts';
import { smokeThresholds, SUMMARY_TREND_STATS, SYSTEM_TAGS } from './lib/options.ts';
import { ROUTE_NAMES } from './lib/requests.ts';
import { writeSummary } from './lib/summary.ts';
import type { SummaryData } from './lib/summary.ts';
import { runTask } from './lib/tasks.ts';

/** Every task, in turn: with 4 tasks/s for 20 s each runs about nine times. */
const ALL_TASKS: readonly TaskName[] = [
  'readPatient',
  'reviewObservations',
  'reviewMedications',
  'recordVitals',
  'administerMedication',
  'admitPatient',
  'searchPatient',
  'openChart',
  'censusReport',
];

export const options = {
  scenarios: {
    smoke: {
      executor: 'constant-arrival-rate',
      rate: 4,
      timeUnit: '1s',
      duration: '20s',
      preAllocatedVUs: 20,
      maxVUs: 40,
    },
  },
  thresholds: smokeThresholds(ROUTE_NAMES),
  systemTags: SYSTEM_TAGS,
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export default function smoke(): void {
  const n = exec.scenario.iterationInTest;
  const task = ALL_TASKS[n % ALL_TASKS.length] ?? 'readPatient';
  const persona = PERSONAS[Math.floor(n / ALL_TASKS.length) % PERSONAS.length] ?? 'nurse';
  runTask(task, persona);
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return writeSummary('smoke', data);
}
