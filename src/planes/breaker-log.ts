// What a breaker transition leaves behind: one log line and one audit entry, numbers only.
import type { Logger } from 'pino';
import type { Auditor } from '../admin/auditor.ts';
import type { BreakerTransition } from '../dispatch/breaker.ts';

export function logBreakerTransition(log: Logger, auditor: Pick<Auditor, 'record'>): (t: BreakerTransition) => void {
  return (t) => {
    const { kind, route, ...numbers } = t;
    if (kind === 'trip') log.warn({ event: 'breaker-trip', route, ...numbers }, 'breaker open: route served by legacy');
    else log.info({ event: 'breaker-restore', route, ...numbers }, 'breaker closed: route back on the new service');
    auditor.record({ actor: 'ficus', action: kind === 'trip' ? 'breaker-trip' : 'breaker-restore', route, details: numbers, source: 'proxy' });
  };
}
