// One line, short enough for an 80-column terminal:
//   42.0 req/s · legacy 30.5 · shadow 11.5 · compared 1,234 · mismatches 37 (3.0%)
// Rates are over the last interval; compared and mismatches are totals since start.
import type { TrafficTotals } from './traffic-totals.ts';

const MODE_ORDER = ['legacy', 'shadow', 'canary', 'new'];

export function describeTraffic(previous: TrafficTotals, current: TrafficTotals, elapsedSeconds: number): string {
  const seconds = elapsedSeconds > 0 ? elapsedSeconds : 1;
  const rate = (now: number, before: number) => (Math.max(0, now - before) / seconds).toFixed(1);
  const modes = Object.keys(current.byMode).sort((a, b) => orderOf(a) - orderOf(b) || a.localeCompare(b));
  const byMode = modes.map((mode) => `${mode} ${rate(current.byMode[mode] ?? 0, previous.byMode[mode] ?? 0)}`);
  const share = current.compared > 0 ? ` (${((100 * current.mismatches) / current.compared).toFixed(1)}%)` : '';
  return [
    `${rate(current.requests, previous.requests)} req/s`,
    ...byMode,
    `compared ${current.compared.toLocaleString('en-US')}`,
    `mismatches ${current.mismatches.toLocaleString('en-US')}${share}`,
  ].join(' · ');
}

function orderOf(mode: string): number {
  const at = MODE_ORDER.indexOf(mode);
  return at === -1 ? MODE_ORDER.length : at;
}
