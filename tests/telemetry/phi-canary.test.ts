// PHI canary: fake patient identifiers, names and dates of birth go in through every part of a
// request (path, query, headers incl. Cookie/Authorization/Referer/baggage, body) in every mode,
// and must not come out in any exported span, the /metrics page or any log line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mode } from '../../src/shared/words.ts';
import { startLegacyDemo } from '../../src/demo/legacy/server.ts';
import { startNewServiceDemo } from '../../src/demo/new-service/server.ts';
import { REPO_ROOT } from '../support/repo-root.ts';
import { type TestFicus, startTestFicus } from '../support/ficus/test-ficus.ts';

const MRN = 'MRN-99887766';
const NAME = 'Zebulon Quigglesworth';
const DOB = '1931-02-29';
const CANARIES = [MRN, '99887766', 'Zebulon', 'Quigglesworth', DOB, '1931'];
const q = (s: string) => encodeURIComponent(s);

const PHI_HEADERS = {
  cookie: `session=${MRN}; patient=${q(NAME)}`,
  authorization: `Bearer ${MRN}.${q(NAME)}`,
  referer: `http://ehr.example/fhir/Patient/${MRN}?name=${q(NAME)}&birthdate=${DOB}`,
  baggage: `patient.id=${MRN},patient.name=${q(NAME)},patient.dob=${DOB}`,
  'x-patient-name': NAME,
};

let legacy: Awaited<ReturnType<typeof startLegacyDemo>>;
let next: Awaited<ReturnType<typeof startNewServiceDemo>>;
let t: TestFicus;

beforeAll(async () => {
  legacy = await startLegacyDemo({ port: 0 });
  next = await startNewServiceDemo({ port: 0 });
  t = await startTestFicus({
    routes: readFileSync(join(REPO_ROOT, 'routes/fhir.yaml'), 'utf8'),
    routeFiles: { 'formulary.txt': readFileSync(join(REPO_ROOT, 'routes/formulary.txt'), 'utf8') },
    upstreams: { legacy: legacy.url, 'ehr-next': next.url },
    flags: flagsFor('legacy'),
    traces: 'in-memory',
  });
});
afterAll(async () => {
  await t?.close();
  await Promise.all([legacy?.close(), next?.close()]);
});

function flagsFor(mode: Mode) {
  const spec = { mode, percent: mode === 'canary' ? 50 : 0 };
  return { 'ficus.patient-read': spec, 'ficus.patient-search': spec, 'ficus.observation-search': spec, 'ficus.medication-request-search': spec };
}

/** Requests carrying the canaries in every place a client can put them. */
async function sendCanaryRequests(): Promise<void> {
  const requests: [string, RequestInit][] = [
    [`/fhir/Patient/${MRN}?name=${q(NAME)}&birthdate=${DOB}`, { headers: PHI_HEADERS }],
    [`/fhir/Observation?patient=${MRN}&subject:name=${q(NAME)}`, { headers: PHI_HEADERS }],
    [`/fhir/Patient/_search`, { method: 'POST', headers: { ...PHI_HEADERS, 'content-type': 'application/x-www-form-urlencoded' }, body: `identifier=${MRN}&name=${q(NAME)}&birthdate=${DOB}` }],
    [`/fhir/Patient/${MRN}/$everything?birthdate=${DOB}`, { method: 'POST', headers: { ...PHI_HEADERS, 'content-type': 'application/json' }, body: JSON.stringify({ name: NAME, birthDate: DOB, id: MRN }) }],
    [`/legacy/chart/${MRN}/${q(NAME)}?dob=${DOB}`, { headers: PHI_HEADERS }],
  ];
  for (const [path, init] of requests) {
    const res = await fetch(`${t.ficus.proxyUrl}${path}`, { ...init, signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    if (process.env.DEBUG_CANARY) console.log(init.method ?? 'GET', path.slice(0, 30), res.status);
  }
}

function describeSpan(s: ReadableSpan): unknown {
  return {
    name: s.name, attributes: s.attributes, status: s.status,
    events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
    links: s.links.map((l) => ({ context: l.context, attributes: l.attributes })),
    resource: s.resource.attributes,
  };
}

function leaks(text: string): string[] {
  return CANARIES.filter((c) => text.includes(c) || text.includes(q(c)));
}

describe('PHI canary through every mode', () => {
  for (const mode of ['legacy', 'shadow', 'canary', 'new'] as const) {
    it(`leaks no patient data into spans, /metrics or logs in ${mode} mode (and pass-through)`, async () => {
      await t.setFlags(flagsFor(mode));
      t.spans.reset();
      const logsBefore = t.logs.length;
      await sendCanaryRequests();
      await new Promise((r) => setTimeout(r, 50)); // let copies be dispatched (setImmediate) before flushing
      await t.ficus.flush();

      const spans = t.spans.getFinishedSpans();
      if (process.env.DEBUG_CANARY) console.log(mode, spans.map((s) => s.name));
      expect(spans.length).toBeGreaterThanOrEqual(10);
      const spanText = JSON.stringify(spans.map(describeSpan));
      expect(leaks(spanText)).toEqual([]);
      expect(spans.some((s) => s.name === 'GET /fhir/Patient/:id')).toBe(true);
      expect(spans.some((s) => s.name === 'GET')).toBe(true);
      if (mode === 'shadow') expect(spans.some((s) => s.attributes['ficus.copy_kind'] === 'shadow')).toBe(true);

      const metrics = await (await fetch(`${t.ficus.adminUrl}/metrics`)).text();
      expect(leaks(metrics)).toEqual([]);

      const logText = JSON.stringify(t.logs.slice(logsBefore));
      expect(t.logs.slice(logsBefore).filter((l) => l.event === 'request').length).toBe(5);
      expect(leaks(logText)).toEqual([]);
    });
  }

  it('drops inbound baggage before any upstream (served calls and copies alike)', () => {
    const seen = next.received();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((r) => r.headers.baggage !== undefined)).toEqual([]);
  });
});
