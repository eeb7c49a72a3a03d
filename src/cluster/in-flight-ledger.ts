// What the primary knows of the requests its workers are serving, for `--workers N`. A worker that
// dies (SIGKILL, the OOM killer, a crash) takes its in-flight requests with it: their clients see
// the connection cut, and the worker's own counters never say so. Each worker reports its in-flight
// count with its metrics each second; when one dies unexpectedly, its last report is added to the
// lost-requests total, so the loss shows in /metrics. An estimate: the report may be up to a second
// old (a long request is counted; one that started and died within that second may not be).

export interface InFlightLedger {
  /** A worker's latest in-flight count (with its metrics report). */
  report(worker: number, inFlight: number): void;
  /** The worker died unexpectedly: its last reported in-flight requests are counted as lost (returned). */
  lost(worker: number): number;
  /** The worker left on purpose (drained): nothing was lost. */
  forget(worker: number): void;
  /** In flight across live workers, as last reported. */
  inFlight(): number;
  /** Requests lost with workers that died, since start. */
  lostTotal(): number;
}

export function createInFlightLedger(): InFlightLedger {
  const latest = new Map<number, number>();
  let lostTotal = 0;
  return {
    report: (worker, inFlight) => void latest.set(worker, inFlight),
    lost(worker) {
      const n = latest.get(worker) ?? 0;
      latest.delete(worker);
      lostTotal += n;
      return n;
    },
    forget: (worker) => void latest.delete(worker),
    inFlight: () => [...latest.values()].reduce((a, b) => a + b, 0),
    lostTotal: () => lostTotal,
  };
}
