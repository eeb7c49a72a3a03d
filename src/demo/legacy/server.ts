// The demo legacy monolith: a twenty-year-old EHR as Ficus meets it — FHIR bolted on, HL7 v2 in
// Latin-1, form logins with cookies, gzip from a servlet filter, HTML error pages, and quirks
// (a lastUpdated that changes on every read) that the comparison must learn to ignore.
import http from 'node:http';
import { createRouter, type Route } from '../shared/router.ts';
import { listen, type DemoServerHandle } from '../shared/listen.ts';
import { createDemoStore } from '../data/store.ts';
import { metadataRoutes } from './metadata.ts';
import { legacyPatientRoutes } from './patients.ts';
import { legacyObservationRoutes } from './observations.ts';
import { legacyMedicationRoutes } from './medications.ts';
import { hl7Routes } from './hl7.ts';
import { legacySummaryRoutes } from './summary.ts';
import { sessionRoutes } from './session.ts';
import { uploadRoutes } from './uploads.ts';
import { censusRoutes } from './census.ts';
import { timingRoutes } from './timing.ts';
import { echoRoutes } from './echo.ts';
import { answerLegacyNotFound } from './not-found.ts';

export interface LegacyDemoOptions {
  readonly port?: number;
  readonly host?: string;
  /** The wall clock by default: the data is fixed, but "now" (lastUpdated, ACK times) is live. */
  readonly now?: () => Date;
}

export type LegacyDemoHandle = DemoServerHandle;

export function legacyRoutes(now: () => Date): Route[] {
  const store = createDemoStore('9');
  return [
    ...metadataRoutes(),
    ...legacyPatientRoutes({ store, now }),
    ...legacyObservationRoutes({ store, now }),
    ...legacyMedicationRoutes({ store, now }),
    ...hl7Routes({ now }),
    ...legacySummaryRoutes(),
    ...sessionRoutes({ now }),
    ...uploadRoutes(),
    ...censusRoutes({ now }),
    ...timingRoutes(),
    ...echoRoutes(),
  ];
}

export async function startLegacyDemo({ port = 0, host = '127.0.0.1', now = () => new Date() }: LegacyDemoOptions = {}): Promise<LegacyDemoHandle> {
  const server = http.createServer({
    // Uploads of hundreds of megabytes over a slow link must not be cut off by Node's default
    // 5-minute request timeout; the old app had none.
    requestTimeout: 0,
  }, createRouter(legacyRoutes(now), answerLegacyNotFound));
  return listen(server, { port, host });
}
