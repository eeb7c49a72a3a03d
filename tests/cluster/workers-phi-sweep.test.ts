// PHI sweep through `ficus start --workers 2` (red team): in workers mode evidence crosses processes
// (rollups, migration-map rows, difference records, metric snapshots, audit events go up the IPC
// channel to the primary), and two more kinds of process write logs. Canary patient values (an MRN, a
// given name and a surname, an impossible date of birth in ISO and HL7 form) go in through paths,
// query strings, headers, cookies and request bodies, and come back in response bodies, response
// headers and as response KEYS, on a shadowed route, a canaried route and unmatched paths, over fresh
// connections so both workers serve. Then every output is searched, raw, URL-encoded and
// case-folded: stdout and stderr of the primary and the workers, /metrics, the admin API, the
// dashboard, the migration map and every byte of the store's files after the drain. It proves it can
// fail: the same search finds the canaries in what the client and the upstreams received.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeConfigDirs } from '../support/ficus/config-files.ts';
import { startFicusProcess, stopFicusProcess, type FicusProcess } from '../support/ficus/ficus-process.ts';
import { startUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { waitForAsync } from '../support/wait-for.ts';

const MRN = 'MRN-CANARY-48213';
const GIVEN = 'Zebulon';
const SURNAME = 'Quigglesworth';
const DOB = '1931-02-29';
const DOB_HL7 = '19310229';
const CANARIES = [MRN, 'CANARY-48213', GIVEN, SURNAME, DOB, DOB_HL7];
const q = encodeURIComponent;
const TOKEN = 'phi-workers-token';

function leaks(text: string): string[] {
  const hay = text.toLowerCase();
  let decoded = hay;
  try {
    decoded = decodeURIComponent(hay);
  } catch {
    // not URL-encoded as a whole: the raw and encoded searches below still apply
  }
  return CANARIES.filter((c) => {
    const lc = c.toLowerCase();
    return hay.includes(lc) || hay.includes(q(c).toLowerCase()) || decoded.includes(lc);
  });
}

/** A patient document whose keys are PHI too (a map keyed by name and by MRN), differing by side. */
function patient(side: string): string {
  return JSON.stringify({
    resourceType: 'Patient',
    identifier: [{ system: 'urn:mrn', value: MRN }],
    name: [{ family: SURNAME, given: [GIVEN] }],
    birthDate: DOB,
    byName: { [`${GIVEN} ${SURNAME}`]: { mrn: MRN, seen: side === 'legacy' ? 1 : 2 }, [SURNAME]: { dob: DOB_HL7 } },
    [MRN]: side === 'legacy' ? DOB : `${DOB}T00:00:00Z`,
    ...(side === 'new' ? { [`${SURNAME}-${DOB}`]: GIVEN } : { [`${GIVEN}${DOB_HL7}`]: SURNAME }),
  });
}

function upstream(side: 'legacy' | 'new'): Promise<TestUpstream> {
  return startUpstream((req: http.IncomingMessage, res: http.ServerResponse) => {
    req.resume();
    req.once('end', () => {
      const body = patient(side);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-patient': `${GIVEN} ${SURNAME}`, 'set-cookie': `mrn=${MRN}; Path=/`, location: `/Patient/${MRN}?dob=${DOB}` });
      res.end(body);
    });
  });
}

const ROUTES = `routes:
  - id: pt-shadow
    match: { methods: [GET, POST], path: /pt/:id }
    new: next
    flag: ficus.pt
    stickiness: { path: id }
    safe: true
    compare: { sample: 1.0, format: json, headers: [x-patient, location, set-cookie] }
  - id: pt-canary
    match: { methods: [GET], path: /cn/:id }
    new: next
    flag: ficus.cn
    stickiness: { query: patient }
    compare: { sample: 1.0, format: json }
`;

const PHI_HEADERS = {
  'x-patient-id': MRN,
  'x-patient-name': `${GIVEN} ${SURNAME}`,
  cookie: `mrn=${MRN}; dob=${DOB}`,
  referer: `http://ehr.example/Patient/${MRN}?name=${q(SURNAME)}&birthdate=${DOB}`,
  'user-agent': `ehr ${SURNAME}`,
};

let legacy: TestUpstream;
let next: TestUpstream;
let dirs: ReturnType<typeof writeConfigDirs>;
let ficus: FicusProcess;
const clientSaw: string[] = [];

const admin = async (path: string) => {
  const res = await fetch(`${ficus.adminUrl}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: res.status, text: await res.text() };
};

async function send(path: string, init: RequestInit = {}): Promise<number> {
  const res = await fetch(`${ficus.proxyUrl}${path}`, { ...init, headers: { connection: 'close', ...PHI_HEADERS, ...(init.headers as Record<string, string>) } });
  clientSaw.push(await res.text(), JSON.stringify([...res.headers]));
  return res.status;
}

beforeAll(async () => {
  legacy = await upstream('legacy');
  next = await upstream('new');
  dirs = writeConfigDirs(ROUTES, { legacy: { url: legacy.url }, next: { url: next.url } }, { 'ficus.pt': { mode: 'shadow' }, 'ficus.cn': { mode: 'canary', percent: 50 } });
  ficus = await startFicusProcess(['--workers', '2', '--data-dir', dirs.dataDir], {
    FICUS_ROUTES_DIR: dirs.routesDir, FICUS_FLAGS_DIR: dirs.flagsDir, FICUS_ADMIN_TOKEN: TOKEN, FICUS_AUTOPILOT_TICK_MS: '0', FICUS_LOG_LEVEL: 'debug',
  }, 40_000);
}, 60_000);

afterAll(async () => {
  await stopFicusProcess(ficus);
  await Promise.all([legacy?.close(), next?.close()]);
  dirs?.remove();
});

describe('PHI sweep through --workers 2: canaries everywhere in, nowhere out', () => {
  const found: Record<string, string[]> = {};

  it('sends canary traffic over fresh connections (both workers) through shadow, canary and pass-through', async () => {
    const body = JSON.stringify({ identifier: MRN, name: { [SURNAME]: GIVEN }, birthDate: DOB });
    for (let i = 0; i < 8; i++) {
      expect(await send(`/pt/${MRN}-${i}?family=${q(SURNAME)}&given=${GIVEN}&birthdate=${DOB}`)).toBe(200);
      expect(await send(`/pt/${DOB_HL7}${i}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).toBe(200);
      expect(await send(`/cn/${q(`${GIVEN} ${SURNAME}`)}?patient=${MRN}-${i}&dob=${DOB}`)).toBe(200);
      expect(await send(`/chart/${MRN}/${SURNAME}/${DOB}?given=${GIVEN}-${i}`)).toBe(200);
    }
    const served = ficus.lines.filter((l) => l.event === 'request');
    expect(new Set(served.map((l) => l.worker))).toEqual(new Set([0, 1]));
    // Evidence crossed to the primary: comparisons with mismatches on both routes, unmatched map rows.
    await waitForAsync(async () => {
      const { routes } = JSON.parse((await admin('/api/routes')).text) as { routes: { id: string; stats: { compared: number; mismatched: number } }[] };
      return ['pt-shadow', 'pt-canary'].every((id) => (routes.find((r) => r.id === id)?.stats.mismatched ?? 0) > 0);
    }, 15_000, 'mismatches of both routes at the primary');
    await waitForAsync(async () => (JSON.parse((await admin('/api/map')).text) as { byServedAs: { unmatched: number } }).byServedAs.unmatched > 0, 15_000, 'unmatched traffic in the map');
  }, 60_000);

  it('finds no canary in /metrics, the admin API, the dashboard or the migration map', async () => {
    found.metrics = leaks(await (await fetch(`${ficus.adminUrl}/metrics`)).text());
    const paths = ['/api/routes', '/api/audit', '/api/audit/verify', '/api/map', '/api/rollouts', '/', '/map', '/routes/pt-shadow', '/_ficus/', '/readyz', '/healthz',
      ...['pt-shadow', 'pt-canary'].flatMap((id) => [`/api/routes/${id}`, `/api/differences?route=${id}`, `/api/noise?route=${id}`])];
    for (const path of paths) {
      const { status, text } = await admin(path);
      expect(status, path).toBeLessThan(500);
      const hits = leaks(text);
      if (hits.length) (found.api ??= []).push(`${path}: ${hits.join(',')} :: ${text.slice(0, 300)}`);
    }
    const diffs = JSON.parse((await admin('/api/differences?route=pt-shadow')).text) as { differences: unknown[] };
    expect(diffs.differences.length).toBeGreaterThan(0);
    expect(found).toEqual({ metrics: [] });
  }, 30_000);

  it('finds no canary in the logs of the primary and both workers, nor in any file of the store after the drain', async () => {
    ficus.kill('SIGTERM');
    expect(await ficus.exited).toEqual({ code: 0, signal: null });
    for (const line of ficus.lines) {
      const hits = leaks(JSON.stringify(line));
      if (hits.length) (found.logs ??= []).push(`${hits.join(',')} in ${JSON.stringify(line).slice(0, 400)}`);
    }
    expect(ficus.lines.filter((l) => l.event === 'request' && l.worker !== undefined).length).toBeGreaterThanOrEqual(32);
    found.stderr = leaks(ficus.stderr());
    const files = readdirSync(dirs.dataDir);
    expect(files).toContain('ficus.db');
    for (const name of files) {
      const bytes = readFileSync(join(dirs.dataDir, name)).toString('latin1');
      const hits = leaks(bytes);
      if (hits.length) (found.store ??= []).push(`${name}: ${hits.join(',')}`);
    }
    expect(readFileSync(join(dirs.dataDir, 'ficus.db')).includes('pt-shadow')).toBe(true); // the right bytes
    expect(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0))).toEqual({});
  }, 60_000);

  it('can fail: the same search finds every canary in what the client and the upstreams received', () => {
    expect(leaks(clientSaw.join('\n')).sort()).toEqual([...CANARIES].sort());
    expect(leaks(JSON.stringify(legacy.received)).length).toBeGreaterThanOrEqual(4);
    expect(leaks(JSON.stringify(next.received)).length).toBeGreaterThanOrEqual(3);
    expect(leaks(`x ${SURNAME.toUpperCase()} y`)).toEqual([SURNAME]);
  });
});
