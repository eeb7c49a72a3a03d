// The demo new service: the few routes already rebuilt, with realistic differences from legacy for
// the comparison to find (see patients.ts, observations.ts, medications.ts), the dry-run contract for
// writes (dry-run.ts), and hostile behaviours for failure tests (behaviour.ts).
import http from 'node:http';
import { createRouter, type Route } from '../shared/router.ts';
import { listen, type DemoServerHandle } from '../shared/listen.ts';
import { operationOutcome } from '../shared/fhir.ts';
import { sendFhir } from '../shared/respond.ts';
import { seededRandom } from '../shared/prng.ts';
import { createDemoStore } from '../data/store.ts';
import { DATASET_SEED } from '../data/seed.ts';
import { newPatientRoutes } from './patients.ts';
import { newObservationRoutes } from './observations.ts';
import { newMedicationRoutes } from './medications.ts';
import { summaryRoutes } from './summary.ts';
import { newHl7Routes } from './hl7.ts';
import { withBehaviour, type NewServiceBehaviour } from './behaviour.ts';
import { createReceivedLog, type ReceivedRequest } from './received.ts';

export type { NewServiceBehaviour } from './behaviour.ts';
export type { ReceivedRequest } from './received.ts';

export interface NewServiceDemoOptions {
  readonly port?: number;
  readonly host?: string;
  readonly now?: () => Date;
  readonly behaviour?: NewServiceBehaviour;
  /** Drives the $summary wording; seeded by default, so a fresh server words things the same way. */
  readonly random?: () => number;
  /** Sent as X-Service-Version on every answer, so Ficus keeps evidence per version. */
  readonly version?: string;
}

export interface NewServiceDemoHandle extends DemoServerHandle {
  /** Every request received since start (or the last reset), oldest first. */
  received(): ReceivedRequest[];
  /** Forgets the received log (stored writes stay). */
  reset(): void;
  setBehaviour(behaviour: NewServiceBehaviour): void;
  /** Deploys "another version": answers from now on carry it (readiness starts over for it). */
  setVersion(version: string): void;
}

export const DEMO_NEW_SERVICE_VERSION = '1.4.0';

export function newServiceRoutes(now: () => Date, random: () => number): Route[] {
  const store = createDemoStore('n');
  return [
    ...summaryRoutes({ store, now, random }),
    ...newPatientRoutes({ store }),
    ...newObservationRoutes({ store, now }),
    ...newMedicationRoutes({ store, now }),
    ...newHl7Routes({ now }),
  ];
}

export async function startNewServiceDemo({
  port = 0,
  host = '127.0.0.1',
  now = () => new Date(),
  behaviour = 'normal',
  random = seededRandom(`${DATASET_SEED}:summary`),
  version = DEMO_NEW_SERVICE_VERSION,
}: NewServiceDemoOptions = {}): Promise<NewServiceDemoHandle> {
  let current = behaviour;
  let currentVersion = version;
  const log = createReceivedLog();
  const route = createRouter(newServiceRoutes(now, random), (req, res) => {
    req.resume();
    sendFhir(res, 404, operationOutcome('not-supported', `No route for ${req.method} ${(req.url ?? '').split('?')[0]}`));
  });
  const answer = withBehaviour(() => current, route);
  const server = http.createServer((req, res) => {
    log.record(req);
    res.setHeader('x-service-version', currentVersion);
    answer(req, res);
  });
  const handle = await listen(server, { port, host });
  return {
    ...handle,
    received: () => log.list(),
    reset: () => log.clear(),
    setBehaviour: (next) => {
      current = next;
    },
    setVersion: (next) => {
      currentVersion = next;
    },
  };
}
