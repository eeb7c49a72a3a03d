// Turns the clinical day (load/lib/day.ts) into ramping-arrival-rate stages. Pure: no k6 imports.
import { CLINICAL_DAY, phaseMix } from './day.ts';
import type { ClinicalHour } from './day.ts';

export interface Stage {
  readonly duration: string;
  readonly target: number;
}

/**
 * Each clinical hour ramps to its rate in the first tenth of the hour and holds it for the rest,
 * so the shift changes arrive as the step they are rather than a half-hour slope.
 */
export const RAMP_FRACTION = 0.1;

/**
 * k6 wants whole numbers for arrival rates; counting per minute keeps a fractional per-second rate
 * (e.g. 5.25 tasks/s at night) without rounding it away.
 */
export const TIME_UNIT = '1m';

/** Tasks per second for an hour: BASE_RPS × load, divided by the requests an average task makes then. */
export function taskRate(hour: ClinicalHour, baseRps: number): number {
  return (baseRps * hour.load) / phaseMix(hour.phase).requestsPerTask;
}

/** A per-second rate as the whole number of tasks per TIME_UNIT that k6 accepts. */
export function perTimeUnit(tasksPerSecond: number): number {
  return Math.max(1, Math.round(tasksPerSecond * 60));
}

export function dayStages(baseRps: number, hourSeconds: number): Stage[] {
  const ramp = Math.max(1, Math.round(hourSeconds * RAMP_FRACTION));
  const hold = Math.max(1, Math.round(hourSeconds) - ramp);
  return CLINICAL_DAY.flatMap((hour) => {
    const target = perTimeUnit(taskRate(hour, baseRps));
    return [
      { duration: `${ramp}s`, target },
      { duration: `${hold}s`, target },
    ];
  });
}

export function clinicalHourAt(elapsedSeconds: number, hourSeconds: number): ClinicalHour {
  const index = Math.min(CLINICAL_DAY.length - 1, Math.max(0, Math.floor(elapsedSeconds / hourSeconds)));
  const hour = CLINICAL_DAY[index];
  if (!hour) throw new Error(`no clinical hour at index ${index}`);
  return hour;
}

/** Arrival-rate executors allocate VUs up front: enough for the peak rate times the longest task. */
export function vuPool(peakTasksPerSecond: number, longestTaskSeconds: number): { preAllocatedVUs: number; maxVUs: number } {
  const busy = Math.ceil(peakTasksPerSecond * (longestTaskSeconds + 1));
  return { preAllocatedVUs: Math.max(5, busy), maxVUs: Math.max(10, busy * 2) };
}
