// Whether a worker that died is forked again. A worker that dies at start (a bad certificate, a
// port it cannot bind) would otherwise be re-forked in a tight loop, burning the cores the other
// workers serve on: at most `max` restarts of one slot within `windowMs`, then the slot stays
// empty (counted and logged) and the remaining workers keep serving.

export interface RestartBudgetOptions {
  readonly max: number;
  readonly windowMs: number;
}

export type RestartVerdict = { readonly restart: true } | { readonly restart: false; readonly restartsInWindow: number };

export interface RestartBudget {
  /** Called when the slot's worker exits unexpectedly, at `nowMs`. */
  onExit(nowMs: number): RestartVerdict;
}

export function createRestartBudget(options: RestartBudgetOptions): RestartBudget {
  const restarts: number[] = [];
  return {
    onExit(nowMs) {
      while (restarts.length && restarts[0]! <= nowMs - options.windowMs) restarts.shift();
      if (restarts.length >= options.max) return { restart: false, restartsInWindow: restarts.length };
      restarts.push(nowMs);
      return { restart: true };
    },
  };
}
