// Axis scales for the dashboard's charts. The match-rate axis is zoomed to the data and the
// readiness threshold: on a 0–100% axis, 96.8% and 100% are the same line, and the gap between
// them is exactly what the CTO has to see.
const STEPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000];
const MAX_TICKS = 5;

export interface Scale {
  readonly domain: readonly [number, number];
  readonly ticks: readonly number[];
}

/** Match rate in percent: from a little below the lowest value (or threshold) up to 100%. */
export function matchRateScale(values: readonly number[], threshold: number): Scale {
  const lowest = Math.min(threshold, ...values);
  const pad = Math.max((100 - lowest) * 0.15, 0.05);
  const step = STEPS.find((s) => (100 - (lowest - pad)) / s <= MAX_TICKS - 1) ?? 25;
  const lo = Math.max(0, Math.floor((lowest - pad) / step) * step);
  return { domain: [lo, 100], ticks: ticksBetween(lo, 100, step) };
}

/** Latency in ms: from 0 to a round value above the highest. */
export function latencyScale(values: readonly number[]): Scale {
  const highest = Math.max(1, ...values);
  const step = STEPS.find((s) => highest / s <= MAX_TICKS - 1) ?? 10000;
  const hi = Math.ceil(highest / step) * step;
  return { domain: [0, hi], ticks: ticksBetween(0, hi, step) };
}

function ticksBetween(lo: number, hi: number, step: number): number[] {
  const ticks: number[] = [];
  // Integer multiples, so 99.85 is not 99.85000000000001.
  for (let i = Math.round(lo / step); i * step <= hi + step / 1000; i += 1) ticks.push(Number((i * step).toFixed(4)));
  return ticks;
}

const CLOCK_STEPS_MIN = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360];

/** Times on round clock minutes between start and end, at most five labels. */
export function timeTicks(startMs: number, endMs: number): number[] {
  const spanMin = (endMs - startMs) / 60_000;
  const stepMs = (CLOCK_STEPS_MIN.find((s) => spanMin / s <= 5) ?? 360) * 60_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(startMs / stepMs) * stepMs; t <= endMs; t += stepMs) ticks.push(t);
  return ticks;
}
