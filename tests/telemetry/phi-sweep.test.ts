// PHI sweep (red team): canary patient values (an MRN, a capitalised and a lower-case surname, a date
// of birth in ISO and HL7 form, an e-mail) go in through paths, query strings, headers, cookies and
// request bodies, and come back from the upstreams in response bodies, response headers and as map
// KEYS (a map keyed by surname), in JSON, text and HL7 v2, through every mode (legacy, shadow, canary,
// new), fallback from a failing new service, an open breaker, 502/504, 400 refusals, 408 body
// timeouts and unmatched (pass-through) paths. Then every output Ficus has — spans (in-memory
// exporter), every log line, /metrics, the admin API (routes, route detail, differences, noise, audit,
// map, rollouts), the dashboard page and every byte of the store's files — is searched for every
// canary, raw, URL-encoded and case-folded. The sweep proves it can fail: the same search finds the
// canaries in what the client and the upstreams received, and in a store file where one is planted.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mode } from '../../src/shared/words.ts';
import { startUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { type TestFicus, startTestFicus } from '../support/ficus/test-ficus.ts';

const MRN = 'MRN-CANARY-90210';
const SURNAME = 'Quigglesworth';
const SURNAME_LC = 'zebulonia';
const DOB = '1931-02-28';
const DOB_HL7 = '19310228';
const EMAIL = 'canary.patient90210@example.org';
const CANARIES = [MRN, 'CANARY-90210', SURNAME, SURNAME_LC, DOB, DOB_HL7, EMAIL];
const q = encodeURIComponent;

// KNOWN LEAK (reported, not fixed here): a map key that is a lower-case surname is kept in clear in
// the difference pointer when the key is added or removed (`/byName/zebulonia-sr`), because
// templatePointer takes an unproven lower-case word for a field name and the field vocabulary proves
// a key a field once it recurs across documents (the same patient read again). It reaches the store
// (differences.pointer), /api/differences, /api/routes and /api/routes/:id (readiness reasons).
// The sweep masks exactly that pointer, counts where it shows, and fails on anything else; the last
// test pins the leak so whoever fixes it flips that expectation.
const KNOWN_LEAK = `/byName/${SURNAME_LC}-sr`;
const knownLeakSeen = new Set<string>();
function maskKnown(where: string, text: string): string {
  if (!text.includes(KNOWN_LEAK)) return text;
  knownLeakSeen.add(where);
  return text.split(KNOWN_LEAK).join('/byName/<known-leak>');
}

/** Every form a canary may take in an output: raw, URL-encoded, any case. */
function leaks(text: string): string[] {
  const hay = text.toLowerCase();
  const hayDecoded = (() => {
    try {
      return decodeURIComponent(hay);
    } catch {
      return hay;
    }
  })();
  return CANARIES.filter((c) => {
    const lc = c.toLowerCase();
    return hay.includes(lc) || hay.includes(q(c).toLowerCase()) || hayDecoded.includes(lc) || hay.includes(lc.replace(/@/g, '%40'));
  });
}

/** A map keyed by surname (capitalised and lower-case), PHI values, a varying side. */
function patientJson(side: string, id: string): string {
  return JSON.stringify({
    resourceType: 'Bundle',
    id,
    side,
    byName: {
      [SURNAME]: { mrn: MRN, birthDate: DOB, email: EMAIL, seen: side === 'legacy' ? 1 : 2 },
      [SURNAME_LC]: { mrn: `${MRN}-B`, birthDate: DOB },
      ...(side === 'new' ? { [`${SURNAME}-Jr`]: { mrn: MRN } } : { [`${SURNAME_LC}-sr`]: { email: EMAIL } }),
    },
    [MRN]: side === 'legacy' ? DOB : `${DOB}T00:00:00Z`,
    contact: side === 'legacy' ? EMAIL : `X${EMAIL}`,
    name: [{ family: side === 'legacy' ? SURNAME : SURNAME_LC, given: [SURNAME_LC] }],
  });
}
const patientText = (side: string) => `Patient ${SURNAME} (${SURNAME_LC}), MRN ${MRN}, born ${DOB}, e-mail ${EMAIL}. Temperature ${side === 'legacy' ? '37.2' : '38.9'} C. Heart rate 72.\n`;
const patientHl7 = (side: string) =>
  [
    `MSH|^~\\&|EHR|HOSP|LAB|HOSP|20260101120000||ADT^A01|${MRN}|P|2.5`,
    `PID|1||${MRN}^^^HOSP^MR||${SURNAME}^${SURNAME_LC}||${DOB_HL7}|F|||1 Main St^^Town^^90210||^NET^Internet^${EMAIL}`,
    `OBX|1|NM|8310-5^Body temperature^LN||${side === 'legacy' ? '37.2' : '38.9'}|Cel|||||F|||${DOB_HL7}`,
  ].join('\r') + '\r';

function respond(side: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = req.url ?? '/';
  const id = url.split('?')[0]!.split('/')[2] ?? '';
  let body: string;
  let type: string;
  if (url.startsWith('/note/')) [body, type] = [patientText(side), 'text/plain; charset=utf-8'];
  else if (url.startsWith('/hl7/')) [body, type] = [patientHl7(side), 'application/hl7-v2'];
  else [body, type] = [patientJson(side, decodeURIComponent(id)), 'application/json'];
  res.writeHead(200, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'set-cookie': `patient=${q(SURNAME)}; Path=/`,
    'x-patient-mrn': MRN,
    'x-service-version': side === 'new' ? 'v2.1.0' : 'legacy',
    location: `/fhir/Patient/${MRN}?email=${q(EMAIL)}`,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function upstream(side: 'legacy' | 'new'): Promise<TestUpstream> {
  return startUpstream((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => {
      const url = req.url ?? '';
      if (side === 'legacy' && url.includes('boom')) return void req.socket.destroy(); // 502
      if (side === 'new' && /^\/(brk|nofb|fb)\//.test(url)) return void req.socket.destroy(); // new fails
      if (side === 'new' && url.startsWith('/slow/')) return; // never answers: 504 / shadow timeout
      respond(side, req, res);
    });
    // /upload: legacy reads the body and answers only once it is all there (the client never sends it all).
  });
}

const ROUTES = `routes:
  - id: pt-json
    match: { methods: [GET, POST], path: /pt/:id }
    new: next
    flag: ficus.pt
    stickiness: { path: id }
    safe: true
    compare: { sample: 1.0, format: json, headers: [content-type, x-patient-mrn, set-cookie, location] }
    readiness: { versionHeader: X-Service-Version, minComparisons: 1 }
    rollout:
      steps:
        - { shadow: true, bakeMinutes: 0, minComparisons: 1 }
        - { canary: 10, bakeMinutes: 0, minRequests: 1 }
        - { new: true, bakeMinutes: 0, minRequests: 1 }
  - id: note-text
    match: { methods: [GET], path: /note/:id }
    new: next
    flag: ficus.note
    stickiness: { query: patient }
    compare: { sample: 1.0, format: text }
  - id: hl7-adt
    match: { methods: [GET], path: /hl7/:id }
    new: next
    flag: ficus.hl7
    stickiness: { header: X-Patient-Id }
    compare: { sample: 1.0, format: hl7v2 }
  - id: fb
    match: { methods: [GET], path: /fb/:id }
    new: next
    flag: ficus.fb
    stickiness: { cookie: patient }
  - id: nofb
    match: { methods: [GET], path: /nofb/:id }
    new: next
    flag: ficus.nofb
    fallback: false
  - id: slow
    match: { methods: [GET], path: /slow/:id }
    new: next
    flag: ficus.slow
    fallback: false
    timeouts: { headersMs: 250 }
    shadow: { timeoutMs: 250 }
  - id: brk
    match: { methods: [GET], path: /brk/:id }
    new: next
    flag: ficus.brk
    breaker: { consecutiveFailures: 2, openMs: 60000 }
  - id: upload
    match: { methods: [POST], path: /upload/:id }
    new: next
    flag: ficus.upload
    timeouts: { bodyIdleMs: 200 }
`;

const FLAGS = ['ficus.pt', 'ficus.note', 'ficus.hl7', 'ficus.fb', 'ficus.nofb', 'ficus.slow', 'ficus.brk', 'ficus.upload'];
const flagsFor = (mode: Mode) => Object.fromEntries(FLAGS.map((f) => [f, { mode, percent: mode === 'canary' ? 50 : 0 }]));

const PHI_HEADERS: Record<string, string> = {
  cookie: `patient=${MRN}; name=${q(SURNAME)}; dob=${DOB}`,
  authorization: `Bearer ${MRN}.${SURNAME_LC}`,
  referer: `http://ehr.example/fhir/Patient/${MRN}?name=${q(SURNAME)}&birthdate=${DOB}&email=${q(EMAIL)}`,
  baggage: `patient.id=${MRN},patient.name=${SURNAME_LC}`,
  'x-patient-id': MRN,
  'x-patient-name': `${SURNAME} ${SURNAME_LC}`,
  'x-patient-email': EMAIL,
  'user-agent': `ehr-client ${SURNAME}`,
  'x-forwarded-for': '203.0.113.7',
};

let legacy: TestUpstream;
let next: TestUpstream;
let t: TestFicus;
let dataDir: string;
const clientSaw: string[] = [];
const admin = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(`${t.ficus.adminUrl}${path}`, { ...init, headers: { authorization: 'Bearer test-token', 'content-type': 'application/json', ...(init.headers as Record<string, string>) }, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: await res.text() };
};

/** A raw request (the path exactly as written), answering status line + body. */
function raw(text: string): Promise<string> {
  const { port } = new URL(t.ficus.proxyUrl);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.setEncoding('utf8').on('data', (d: string) => (out += d));
    const done = () => resolve(out);
    socket.once('close', done).once('error', done);
    setTimeout(() => socket.destroy(), 1_500);
  });
}

async function send(path: string, init: RequestInit = {}): Promise<number> {
  const res = await fetch(`${t.ficus.proxyUrl}${path}`, { ...init, headers: { ...PHI_HEADERS, ...(init.headers as Record<string, string>) }, signal: AbortSignal.timeout(5_000) });
  const body = await res.text();
  clientSaw.push(body, JSON.stringify([...res.headers]));
  return res.status;
}

/** A POST whose body stops half way: 408 after the route's bodyIdleMs. */
function stalledUpload(path: string): Promise<number> {
  const { port } = new URL(t.ficus.proxyUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { ...PHI_HEADERS, 'content-type': 'application/json', 'content-length': 4096 } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.write(JSON.stringify({ mrn: MRN, family: SURNAME, given: SURNAME_LC, birthDate: DOB, email: EMAIL }));
  });
}

async function sweepTraffic(): Promise<Record<string, number>> {
  const status: Record<string, number> = {};
  const json = { 'content-type': 'application/json' };
  const body = JSON.stringify({ identifier: MRN, name: { [SURNAME]: SURNAME_LC }, birthDate: DOB, email: EMAIL });
  const requests: [string, RequestInit?][] = [
    [`/pt/${MRN}?family=${q(SURNAME)}&given=${SURNAME_LC}&birthdate=${DOB}&email=${q(EMAIL)}`],
    [`/pt/${q(SURNAME)}?${SURNAME_LC}=${DOB}`],
    [`/pt/${DOB}`, { method: 'POST', headers: json, body }],
    [`/note/${SURNAME_LC}?patient=${MRN}&dob=${DOB}`],
    [`/hl7/${MRN}?email=${q(EMAIL)}`],
    [`/fb/${MRN}?name=${SURNAME}`],
    [`/nofb/${SURNAME_LC}?dob=${DOB}`],
    [`/slow/${MRN}?name=${SURNAME}`],
    [`/brk/${MRN}-1?name=${SURNAME}`],
    [`/brk/${MRN}-2?name=${SURNAME}`],
    [`/brk/${MRN}-3?name=${SURNAME}`],
    [`/brk/${MRN}-4?name=${SURNAME}`],
    // unmatched: pass-through, into the migration map
    [`/legacy/chart/${MRN}/${q(SURNAME)}/${SURNAME_LC}/${DOB}/${q(EMAIL)}?dob=${DOB}`],
    [`/patients/${SURNAME_LC}/${DOB_HL7}/notes`],
    [`/open/${MRN}/boom?name=${SURNAME}`], // legacy fails: 502 on a pass-through
    [`/pt/${MRN}-boom?name=${SURNAME}`], // legacy fails on a route
    [`/api/${EMAIL}/${SURNAME}`, { method: 'POST', headers: json, body }],
  ];
  for (const [path, init] of requests) status[path] = await send(path, init);
  status['upload'] = await stalledUpload(`/upload/${MRN}?name=${SURNAME}`);
  // Crafted targets: refused (400) or sent to legacy untouched.
  const crafted = [
    `GET http://evil.example/pt/${MRN}?name=${SURNAME} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
    `GET /pt/${MRN}?name=${SURNAME} HTTP/1.1\r\nHost: a\r\nHost: ${SURNAME_LC}\r\nConnection: close\r\n\r\n`,
    `GET /pt/..%2F${MRN}%2F${SURNAME}?dob=${DOB} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
    `GET //pt/${MRN}/../${SURNAME_LC};dob=${DOB} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
    `GET /pt/${MRN}%00${SURNAME} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
    `GET ${SURNAME_LC}/${MRN} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
  ];
  for (const [i, text] of crafted.entries()) {
    const out = await raw(text);
    status[`crafted-${i}`] = Number(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1] ?? 0);
  }
  return status;
}

function describeSpan(s: ReadableSpan): unknown {
  return {
    name: s.name, kind: s.kind, attributes: s.attributes, status: s.status,
    events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
    links: s.links.map((l) => ({ context: l.context, attributes: l.attributes })),
    resource: s.resource.attributes, scope: s.instrumentationScope,
  };
}

function storeBytes(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).filter((n) => n.includes('.db')).map((n) => readFileSync(join(dir, n))));
}

const found: Record<string, string[]> = {};
const spanTexts: string[] = [];
const statuses: Record<string, Record<string, number>> = {};

beforeAll(async () => {
  legacy = await upstream('legacy');
  next = await upstream('new');
  t = await startTestFicus({ routes: ROUTES, upstreams: { legacy: legacy.url, next: next.url }, flags: flagsFor('legacy'), traces: 'in-memory' });
  dataDir = t.dataDir;
}, 30_000);
afterAll(async () => {
  await t?.close();
  await Promise.all([legacy?.close(), next?.close()]);
});

describe('PHI sweep: canaries everywhere in, nowhere out', () => {
  it('sends canary traffic through legacy, shadow, canary and new (fallback, breaker, 502/504/400/408)', async () => {
    for (const mode of ['legacy', 'shadow', 'canary', 'new'] as const) {
      await t.setFlags(flagsFor(mode));
      t.spans.reset();
      statuses[mode] = await sweepTraffic();
      await new Promise((r) => setTimeout(r, 400)); // shadow copies (and their 250 ms timeouts) settle
      await t.ficus.flush();
      spanTexts.push(JSON.stringify(t.spans.getFinishedSpans().map(describeSpan)));
    }
    if (process.env.DEBUG_CANARY) console.log(JSON.stringify(statuses, null, 1));
    // The error paths were really taken.
    expect(statuses.legacy![`/open/${MRN}/boom?name=${SURNAME}`]).toBe(502);
    expect(statuses.legacy!['upload']).toBe(408);
    expect(Object.entries(statuses.legacy!).filter(([k, v]) => k.startsWith('crafted') && v === 400).length).toBeGreaterThanOrEqual(2);
    expect(statuses.new![`/nofb/${SURNAME_LC}?dob=${DOB}`]).toBe(502);
    expect(statuses.new![`/slow/${MRN}?name=${SURNAME}`]).toBe(504);
    expect(statuses.new![`/fb/${MRN}?name=${SURNAME}`]).toBe(200); // fell back to legacy
    expect(statuses.new![`/brk/${MRN}-4?name=${SURNAME}`]).toBe(200);
    expect(t.logs.some((l) => JSON.stringify(l).includes('breaker'))).toBe(true);

    // Evidence was recorded for each comparison format (so the store and the API have something to leak).
    await t.ficus.flush();
    const routes = JSON.parse((await admin('/api/routes')).text) as { routes: { id: string; stats: { compared: number; mismatched: number } }[] };
    for (const id of ['pt-json', 'note-text', 'hl7-adt']) {
      const r = routes.routes.find((x) => x.id === id)!;
      expect(r.stats.compared, id).toBeGreaterThan(0);
      expect(r.stats.mismatched, id).toBeGreaterThan(0);
    }
  }, 120_000);

  it('drives the admin and rollout APIs so their answers and the audit have content', async () => {
    expect((await admin('/api/routes/fb/mode', { method: 'PUT', body: JSON.stringify({ mode: 'shadow', reason: 'red team sweep' }) })).status).toBeLessThan(300);
    const started = await admin('/api/rollouts/pt-json/start', { method: 'POST', body: JSON.stringify({ reason: 'red team sweep' }) });
    expect(started.status, started.text).toBeLessThan(300);
    const diffs = JSON.parse((await admin('/api/differences?route=pt-json')).text) as { differences: { signature?: string; pointer: string; kind: string }[] };
    expect(diffs.differences.length).toBeGreaterThan(0);
    // Map-key pointers are templated: no surname, no MRN as a key. `byName` itself is proven by no
    // standard, rule, array or distinct patient here, so it is a keyed HMAC too (issue 10 PHI finding).
    expect(diffs.differences.some((d) => /^\/(byName|~k:[0-9a-f]{8})\//.test(d.pointer))).toBe(true);
    await t.ficus.flush();
  }, 30_000);

  it('finds no canary in spans, logs, /metrics, the admin API, the dashboard or the store files', async () => {
    found.spans = leaks(spanTexts.join('\n'));
    expect(spanTexts.join('').length).toBeGreaterThan(1_000);

    for (const line of t.logs) {
      const hits = leaks(JSON.stringify(line));
      if (hits.length) (found.logs ??= []).push(`${hits.join(',')} in ${JSON.stringify(line).slice(0, 600)}`);
    }
    expect(t.logs.filter((l) => l.event === 'request').length).toBeGreaterThan(40);

    found.metrics = leaks((await (await fetch(`${t.ficus.adminUrl}/metrics`)).text()));
    const ids = ['pt-json', 'note-text', 'hl7-adt', 'fb', 'nofb', 'slow', 'brk', 'upload'];
    const paths = ['/api/routes', '/api/audit', '/api/audit/verify', '/api/map', '/api/rollouts', '/api/rollouts/pt-json', '/_ficus/', '/readyz', '/healthz',
      ...ids.flatMap((id) => [`/api/routes/${id}`, `/api/differences?route=${id}`, `/api/noise?route=${id}`])];
    for (const path of paths) {
      const { status, text } = await admin(path);
      if (path === '/api/map') expect(status).toBe(200);
      const hits = leaks(maskKnown(path.replace(/\?.*/, ''), text));
      if (hits.length) (found.api ??= []).push(`${path}: ${hits.join(',')} :: ${text.slice(0, 400)}`);
    }
    const map = (await admin('/api/map')).text;
    expect((JSON.parse(map) as { byServedAs: { unmatched: number } }).byServedAs.unmatched).toBeGreaterThan(0); // the unmatched traffic is there, as templates

    await t.ficus.flush();
    const bytes = storeBytes(dataDir);
    expect(bytes.includes('pt-json')).toBe(true); // the right bytes
    expect(bytes.includes('/patients/*/*/notes')).toBe(true); // the migration map's table is in them too (unmatched paths, templated)
    found.store = leaks(maskKnown('store', bytes.toString('latin1')));
    // Every file Ficus wrote in its data folder, not only the database.
    for (const n of readdirSync(dataDir)) {
      const hits = leaks(maskKnown('store', readFileSync(join(dataDir, n)).toString('latin1')));
      if (hits.length) (found.dataFiles ??= []).push(`${n}: ${hits.join(',')}`);
    }

        const leaked = Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0));
    expect(leaked).toEqual({});
  }, 60_000);

  it('can fail: the same search finds the canaries where they must be', () => {
    // What the client received (response bodies, Set-Cookie, headers) carries every canary.
    expect(leaks(clientSaw.join('\n')).sort()).toEqual([...CANARIES].sort());
    // The upstreams received them in paths and headers (the proxy is transparent).
    expect(leaks(JSON.stringify(legacy.received)).length).toBeGreaterThanOrEqual(5);
    expect(leaks(JSON.stringify(next.received)).length).toBeGreaterThanOrEqual(3);
    // Case and URL-encoding forms are caught.
    expect(leaks(`x ${SURNAME.toUpperCase()} y`)).toEqual([SURNAME]);
    expect(leaks(`path=/a/${q(EMAIL)}`)).toContain(EMAIL);
    // A canary planted in a copy of the store's database file is found by the byte search.
    const copy = mkdtempSync(join(tmpdir(), 'ficus-phi-plant-'));
    try {
      copyFileSync(join(dataDir, 'ficus.db'), join(copy, 'ficus.db'));
      for (const ext of ['-wal', '-shm']) if (existsSync(join(dataDir, `ficus.db${ext}`))) copyFileSync(join(dataDir, `ficus.db${ext}`), join(copy, `ficus.db${ext}`));
      const db = new DatabaseSync(join(copy, 'ficus.db'));
      db.exec('CREATE TABLE planted (v TEXT)');
      db.prepare('INSERT INTO planted (v) VALUES (?)').run(`note for ${SURNAME_LC}`);
      db.close();
      expect(leaks(storeBytes(copy).toString('latin1'))).toContain(SURNAME_LC);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('a lower-case surname map key, added or removed, is never stored or served (once a known leak)', () => {
    // When templatePointer/field-vocabulary template this key, knownLeakSeen becomes empty: make this
    // expect([]) and delete KNOWN_LEAK/maskKnown above.
    expect([...knownLeakSeen].sort()).toEqual([]);
  });
});
