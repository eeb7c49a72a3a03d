// Event-loop delay as "since the previous read", for more than one reader. Prometheus scrapes and
// the OTLP push read at their own pace; with one shared histogram each read reset the other's
// window, so whichever read second saw almost nothing of a stall. Each reader therefore gets its own
// perf_hooks monitor (a native timer, no JavaScript per sample); a Node histogram cannot be copied
// or subtracted (RecordableHistogram.add refuses the monitor's), so one monitor cannot serve two.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ELDHistogram } from 'node:perf_hooks';

export interface EventLoopDelayStat {
  readonly stat: 'p50' | 'p99' | 'max';
  readonly seconds: number;
}

/** Returns the delay quantiles since this reader's previous call; empty when no sample was taken. */
export type EventLoopDelayReader = () => EventLoopDelayStat[];

export interface EventLoopDelayWindows {
  /** A new reader whose window starts now. */
  reader(): EventLoopDelayReader;
  /** Stops every reader's monitor; readers then return what was sampled before, once. */
  close(): void;
}

export interface EventLoopDelayWindowsOptions {
  readonly resolutionMs: number;
  /** The monitor per reader (tests keep a reference to the real one). */
  readonly monitor?: (options: { resolution: number }) => ELDHistogram;
}

export function createEventLoopDelayWindows(options: EventLoopDelayWindowsOptions): EventLoopDelayWindows {
  const monitor = options.monitor ?? monitorEventLoopDelay;
  const monitors: ELDHistogram[] = [];
  let closed = false;
  return {
    reader() {
      if (closed) return () => [];
      const histogram = monitor({ resolution: options.resolutionMs });
      histogram.enable();
      monitors.push(histogram);
      return function readEventLoopDelay() {
        if (histogram.count === 0) return [];
        const stats: EventLoopDelayStat[] = [
          { stat: 'p50', seconds: histogram.percentile(50) / 1e9 },
          { stat: 'p99', seconds: histogram.percentile(99) / 1e9 },
          { stat: 'max', seconds: histogram.max / 1e9 },
        ];
        histogram.reset();
        return stats;
      };
    },
    close() {
      closed = true;
      for (const histogram of monitors) histogram.disable();
    },
  };
}
