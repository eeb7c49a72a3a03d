// The primary's view of the breakers of all its workers (`--workers N`). Each worker keeps its own
// breaker (the per-request decision must stay in-process); a trip or restore in one is sent here,
// and when it is news it is audited once and every other worker adopts it within one IPC message.
// Two workers tripping the same route at once report one episode: the second trip is not news.
// A failed half-open probe is always news (it restarts the open period everywhere).
// The view knows open and closed; half-open is each worker's own probing and is shown as open.
import type { RouteConfig } from '../config/load-routes.ts';
import type { BreakerStateName, BreakerTransition } from '../dispatch/breaker.ts';
import type { BreakerCommand } from './cluster-messages.ts';

export interface ClusterBreaker {
  /** A worker's transition; the command every other worker must adopt, or undefined when not news. */
  onTransition(transition: BreakerTransition): BreakerCommand | undefined;
  state(route: string): BreakerStateName;
  states(): Readonly<Record<string, BreakerStateName>>;
  /** What a newly forked worker must adopt: every open route. */
  commands(): BreakerCommand[];
}

export function createClusterBreaker(deps: { routes(): readonly RouteConfig[] }): ClusterBreaker {
  const open = new Set<string>();
  return {
    onTransition(t) {
      if (t.kind === 'trip') {
        if (t.from === 'closed' && open.has(t.route)) return undefined;
        open.add(t.route);
        return { route: t.route, state: 'open' };
      }
      if (!open.delete(t.route)) return undefined;
      return { route: t.route, state: 'closed' };
    },
    state: (route) => (open.has(route) ? 'open' : 'closed'),
    states() {
      const out: Record<string, BreakerStateName> = {};
      for (const route of deps.routes()) out[route.id] = open.has(route.id) ? 'open' : 'closed';
      return out;
    },
    commands: () => [...open].map((route) => ({ route, state: 'open' as const })),
  };
}
