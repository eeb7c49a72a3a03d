// Hostile modes for testing Ficus's failure handling against a misbehaving new service. Each one
// replaces normal handling for every request while it is in force.
import type http from 'node:http';
import { operationOutcome } from '../shared/fhir.ts';
import { FHIR_JSON, sendFhir } from '../shared/respond.ts';

export type NewServiceBehaviour = 'normal' | 'hang' | 'reset' | 'huge' | 'error500';

export const HUGE_BODY_BYTES = 10 * 1024 * 1024;

/** Wraps the normal handler; `behaviour()` is read per request so tests can switch modes live. */
export function withBehaviour(behaviour: () => NewServiceBehaviour, normal: http.RequestListener): http.RequestListener {
  return function answerWithBehaviour(req, res) {
    switch (behaviour()) {
      case 'normal':
        return normal(req, res);
      case 'hang':
        // Read the request (so the client believes it was delivered), then never answer.
        req.resume();
        return;
      case 'reset':
        req.resume();
        req.once('end', () => req.socket.destroy());
        return;
      case 'huge':
        req.resume();
        res.writeHead(200, { 'content-type': FHIR_JSON, 'content-length': HUGE_BODY_BYTES });
        res.end(hugeBody());
        return;
      case 'error500':
        req.resume();
        return sendFhir(res, 500, operationOutcome('exception', 'Unhandled exception in new service (demo behaviour error500)', 'fatal'));
    }
  };
}

let cachedHugeBody: Buffer | undefined;

/** Valid FHIR JSON of exactly HUGE_BODY_BYTES, built once per process. */
export function hugeBody(): Buffer {
  if (!cachedHugeBody) {
    const prefix = '{"resourceType":"Basic","text":"';
    const suffix = '"}';
    cachedHugeBody = Buffer.from(prefix + 'x'.repeat(HUGE_BODY_BYTES - prefix.length - suffix.length) + suffix, 'utf8');
  }
  return cachedHugeBody;
}
