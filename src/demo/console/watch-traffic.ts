// Polls Ficus's /metrics and hands a one-line traffic summary to `onLine` every interval.
// In "only on change" mode (not a TTY) an idle demo prints nothing, so a log file of a quiet demo
// stays short; on a TTY the line is rewritten every interval, so its clock shows it is live.
import { describeTraffic } from './describe-traffic.ts';
import { NO_TRAFFIC, readTrafficTotals, type TrafficTotals } from './traffic-totals.ts';

export interface TrafficWatchOptions {
  readonly metricsUrl: string;
  readonly intervalMs: number;
  readonly onLine: (line: string) => void;
  readonly onlyOnChange: boolean;
  readonly now?: () => Date;
}

export interface TrafficWatch {
  stop(): void;
}

export function watchTraffic({ metricsUrl, intervalMs, onLine, onlyOnChange, now = () => new Date() }: TrafficWatchOptions): TrafficWatch {
  let previous: TrafficTotals = NO_TRAFFIC;
  let previousAt = now().getTime();
  let busy = false;
  const tick = async () => {
    if (busy) return; // a slow scrape under heavy load: skip a beat rather than pile up
    busy = true;
    try {
      const response = await fetch(metricsUrl);
      if (!response.ok) return;
      const current = readTrafficTotals(await response.text());
      const at = now();
      const changed = current.requests !== previous.requests || current.compared !== previous.compared;
      if (changed || !onlyOnChange) onLine(`${clock(at)}  ${describeTraffic(previous, current, (at.getTime() - previousAt) / 1000)}`);
      previous = current;
      previousAt = at.getTime();
    } catch {
      // Ficus stopping or not yet listening: the next tick tries again; nothing to tell the user.
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function clock(at: Date): string {
  return at.toTimeString().slice(0, 8);
}
