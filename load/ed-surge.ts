// Emergency department surge: ordinary daytime load, a 3× surge of ED-peak traffic, and — in the
// middle of the surge — an operator flips the kill switch (everything to legacy) and back.
// The promise under test: not one request fails across either flip.
//   k6 run -e FICUS_URL=... -e FICUS_ADMIN_URL=... -e FICUS_ADMIN_TOKEN=... load/ed-surge.ts
import { check, sleep } from 'k6';
import http from 'k6/http';
import { PERSONA_MIX, pickWeighted, tasksFor } from './lib/day.ts';
import { loadThresholds, SUMMARY_TREND_STATS, SYSTEM_TAGS } from './lib/options.ts';
import { ROUTE_NAMES, randomPatientId, readPatient } from './lib/requests.ts';
import { perTimeUnit, taskRate, TIME_UNIT, vuPool } from './lib/schedule.ts';
import { parseServerTiming } from './lib/server-timing.ts';
import { writeSummary } from './lib/summary.ts';
import type { SummaryData } from './lib/summary.ts';
import { ADMIN_TOKEN, ADMIN_URL, BASE_RPS, positiveNumber } from './lib/target.ts';
import { longestThinkSeconds, runTask } from './lib/tasks.ts';

const SURGE_FACTOR = 3;
/** TIME_SCALE stretches or shrinks every phase below (0.25 → a one-and-a-half-minute run). */
const TIME_SCALE = positiveNumber('TIME_SCALE', 1);
const seconds = (s: number): number => Math.max(1, Math.round(s * TIME_SCALE));

const ED_PEAK = { hour: 12, phase: 'ed-peak', load: 1 } as const;
const baseTasksPerSecond = taskRate(ED_PEAK, BASE_RPS);
const baseRate = perTimeUnit(baseTasksPerSecond);
const surgeRate = perTimeUnit(baseTasksPerSecond * SURGE_FACTOR);

const PHASES = {
  baseline: seconds(60),
  rampUp: seconds(20),
  surge: seconds(180),
  rampDown: seconds(20),
  recovery: seconds(40),
};
/** The kill switch goes on a third into the surge and off two thirds in: both flips under full load. */
const KILL_SWITCH_ON_AT = PHASES.baseline + PHASES.rampUp + Math.round(PHASES.surge / 3);
const KILL_SWITCH_HELD = Math.round(PHASES.surge / 3);

export const options = {
  scenarios: {
    surge: {
      executor: 'ramping-arrival-rate',
      startRate: baseRate,
      timeUnit: TIME_UNIT,
      stages: [
        { duration: `${PHASES.baseline}s`, target: baseRate },
        { duration: `${PHASES.rampUp}s`, target: surgeRate },
        { duration: `${PHASES.surge}s`, target: surgeRate },
        { duration: `${PHASES.rampDown}s`, target: baseRate },
        { duration: `${PHASES.recovery}s`, target: baseRate },
      ],
      ...vuPool(baseTasksPerSecond * SURGE_FACTOR, longestThinkSeconds()),
    },
    killSwitch: {
      executor: 'per-vu-iterations',
      exec: 'operatorFlipsKillSwitch',
      vus: 1,
      iterations: 1,
      startTime: `${KILL_SWITCH_ON_AT}s`,
      maxDuration: `${KILL_SWITCH_HELD + 60}s`,
    },
  },
  thresholds: {
    ...loadThresholds(ROUTE_NAMES),
    // The point of this scenario: zero failed requests, flips included.
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
  },
  systemTags: SYSTEM_TAGS,
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): void {
  if (!ADMIN_TOKEN) throw new Error('ed-surge flips the kill switch: set FICUS_ADMIN_TOKEN (and FICUS_ADMIN_URL)');
}

export default function edSurge(): void {
  const persona = pickWeighted(PERSONA_MIX['ed-peak'], Math.random());
  runTask(pickWeighted(tasksFor(persona, 'ed-peak'), Math.random()), persona);
}

const KILL_SWITCH_ROUTE = 'POST /api/kill-switch';

function setKillSwitch(on: boolean, reason: string): void {
  const res = http.post(`${ADMIN_URL}/api/kill-switch`, JSON.stringify({ on, reason }), {
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
    tags: { name: KILL_SWITCH_ROUTE },
  });
  check(res, { [`kill switch ${on ? 'on' : 'off'} accepted`]: (r) => r.status >= 200 && r.status < 300 }, { name: KILL_SWITCH_ROUTE });
}

/** How long after the flip the probe looks: the flip is applied in-process, well under this. */
const PROBE_AFTER_SECONDS = 1;

export function operatorFlipsKillSwitch(): void {
  setKillSwitch(true, 'load test: ED surge drill');
  sleep(PROBE_AFTER_SECONDS);
  // With the kill switch on, every route is served by legacy, whatever its flag says.
  const probe = readPatient(randomPatientId());
  check(probe, { 'kill switch on: served by legacy': (r) => parseServerTiming(r.headers['Server-Timing']).mode === 'legacy' }, { name: KILL_SWITCH_ROUTE });
  sleep(Math.max(0, KILL_SWITCH_HELD - PROBE_AFTER_SECONDS));
  setKillSwitch(false, 'load test: ED surge drill over');
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return writeSummary('ed-surge', data);
}
