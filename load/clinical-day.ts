// A 24-hour clinical day, compressed (one clinical hour = HOUR_SECONDS, 30 s by default: 12 minutes).
// Open model (ramping-arrival-rate): patients do not wait for the proxy to be fast. Every iteration
// is one task of one persona, chosen by the hour's phase (load/lib/day.ts).
//   k6 run -e FICUS_URL=http://127.0.0.1:8080 -e BASE_RPS=20 load/clinical-day.ts
import exec from 'k6/execution';
import { CLINICAL_DAY, PERSONA_MIX, pickWeighted, tasksFor } from './lib/day.ts';
import { loadThresholds, SUMMARY_TREND_STATS, SYSTEM_TAGS } from './lib/options.ts';
import { ROUTE_NAMES } from './lib/requests.ts';
import { clinicalHourAt, dayStages, taskRate, TIME_UNIT, vuPool } from './lib/schedule.ts';
import { writeSummary } from './lib/summary.ts';
import type { SummaryData } from './lib/summary.ts';
import { BASE_RPS, positiveNumber } from './lib/target.ts';
import { longestThinkSeconds, runTask } from './lib/tasks.ts';

const HOUR_SECONDS = positiveNumber('HOUR_SECONDS', 30);
const stages = dayStages(BASE_RPS, HOUR_SECONDS);
const peakTaskRate = Math.max(...CLINICAL_DAY.map((hour) => taskRate(hour, BASE_RPS)));

export const options = {
  scenarios: {
    clinicalDay: {
      executor: 'ramping-arrival-rate',
      startRate: stages[0]?.target ?? 1,
      timeUnit: TIME_UNIT,
      stages,
      ...vuPool(peakTaskRate, longestThinkSeconds()),
    },
  },
  thresholds: loadThresholds(ROUTE_NAMES),
  systemTags: SYSTEM_TAGS,
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export default function clinicalDay(): void {
  const elapsedSeconds = (Date.now() - exec.scenario.startTime) / 1000;
  const { phase } = clinicalHourAt(elapsedSeconds, HOUR_SECONDS);
  const persona = pickWeighted(PERSONA_MIX[phase], Math.random());
  runTask(pickWeighted(tasksFor(persona, phase), Math.random()), persona);
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return writeSummary('clinical-day', data);
}
