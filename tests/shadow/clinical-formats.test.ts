// HL7 v2, XML and generated text through a real Ficus in shadow mode, with real upstreams on
// loopback: the differences stored are the clinical ones, at readable pointers, and the canary
// patient values in every body (MRN, name, date of birth) never reach the database, logs or API.
import type http from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { startUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { waitForCompared } from '../support/ficus/wait-for-compared.ts';

const CANARIES = ['MRN-CANARY-7731', 'Quigglesworth', 'Zebulon', '19310228', 'Canaryfield'];
const MEDICATIONS = 'insulin glargine\nmetformin\n';
const LEGACY_SUMMARY = 'Zebulon Quigglesworth (MRN-CANARY-7731) seen on 2026-11-29. Continue insulin glargine 20 units at bedtime and metformin 500 mg BID. Denies chest pain. No fever.';
const REWORDED_SUMMARY = 'Visit 11/29/2026 for Zebulon Quigglesworth (MRN-CANARY-7731): keep metformin 500 milligrams twice daily and insulin glargine 20 units nightly. The patient denies chest pain and has no fever.';
const DROPPED_SUMMARY = 'Zebulon Quigglesworth (MRN-CANARY-7731) seen on 2026-11-29. Continue metformin 500 mg BID. Denies chest pain. No fever.';

let sent = 0;
const oru = (side: 'legacy' | 'new', patient: string): Buffer => {
  sent += 1;
  const family = side === 'new' && patient === 'p2' ? 'Canaryfield' : 'Quigglesworth';
  const glucose = side === 'new' && patient === 'p2' ? '96' : '95';
  return Buffer.from([
    `MSH|^~\\&|${side === 'legacy' ? 'EHR' : 'NEXT'}|GEN|FICUS|GEN|202611301015${String(sent % 60).padStart(2, '0')}||ORU^R01^ORU_R01|CTRL${sent}|P|2.5.1`,
    `PID|1||MRN-CANARY-7731^^^GEN^MR||${family}^Zebulon^M\xfcller||19310228|M`,
    `OBX|1|NM|2345-7^Glucose^LN||${glucose}|mg/dL|70-99|N|||F`,
    'OBX|2|NM|2093-3^Cholesterol^LN||180|mg/dL|<200|N|||F',
  ].join('\r') + '\r', 'latin1');
};
const cda = (extension: string) => `<?xml version="1.0" encoding="UTF-8"?><ClinicalDocument xmlns="urn:hl7-org:v3"><recordTarget><patientRole>
  <id root="2.16.840.1.113883.19.5" extension="${extension}"/><patient><name><given>Zebulon</given><family>Quigglesworth</family></name>
  <birthTime value="19310228"/></patient></patientRole></recordTarget></ClinicalDocument>`;

function answer(side: 'legacy' | 'new'): http.RequestListener {
  return (req, res) => {
    req.resume();
    const [, kind, patient = ''] = (req.url ?? '').split('/');
    // The MSH-3 differs too (EHR against NEXT): not in the default ignores, so it is ignored by the route.
    if (kind === 'oru') return void res.writeHead(200, { 'content-type': 'application/hl7-v2; charset=ISO-8859-1' }).end(oru(side, patient));
    if (kind === 'cda') return void res.writeHead(200, { 'content-type': 'application/xml' }).end(cda(side === 'new' && patient === 'p2' ? 'MRN-CANARY-7731-X' : 'MRN-CANARY-7731'));
    const summary = side === 'legacy' ? LEGACY_SUMMARY : patient === 'p2' ? DROPPED_SUMMARY : REWORDED_SUMMARY;
    if (kind === 'summary') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ resourceType: 'Basic', summary }));
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(summary);
  };
}

const route = (id: string, kind: string, compare: string) => `  - id: ${id}
    match: { methods: [GET], path: /${kind}/:id }
    new: next
    flag: ficus.${id}
    stickiness: { path: id }
    compare: ${compare}
`;
// An absolute formulary path (a relative one is resolved from the routes folder).
const formularyDir = mkdtempSync(join(tmpdir(), 'ficus-formulary-'));
const FORMULARY = join(formularyDir, 'formulary.txt');
writeFileSync(FORMULARY, MEDICATIONS);
const ROUTES = `routes:
${route('v2-oru', 'oru', '{ ignore: [/MSH/*/3] }')}${route('cda', 'cda', '{}')}${route('summary', 'summary', `{ facts: [/summary], formulary: '${FORMULARY}' }`)}    readiness: { zero: [dose] }
${route('note', 'note', `{ facts: [''], formulary: '${FORMULARY}' }`)}`;

describe('clinical formats through a shadowing Ficus', () => {
  let legacy: TestUpstream;
  let next: TestUpstream;
  let h: TestFicus;
  const api = async (path: string) => (await fetch(`${h.adminUrl}${path}`, { headers: { authorization: 'Bearer test-token' } })).text();
  const differencesOf = async (id: string) => (JSON.parse(await api(`/api/differences?route=${id}`)) as { differences: { pointer: string; kind: string; count: number }[] }).differences;

  beforeAll(async () => {
    legacy = await startUpstream(answer('legacy'));
    next = await startUpstream(answer('new'));
    h = await startTestFicus({
      routes: ROUTES,
      upstreams: { legacy: { url: legacy.url }, next: { url: next.url } },
      flags: Object.fromEntries(['v2-oru', 'cda', 'summary', 'note'].map((id) => [`ficus.${id}`, { mode: 'shadow' as const }])),
    });
    for (const kind of ['oru', 'cda', 'summary', 'note']) {
      for (const patient of ['p1', 'p2']) await (await fetch(`${h.proxyUrl}/${kind}/${patient}`)).arrayBuffer();
    }
    for (const id of ['v2-oru', 'cda', 'summary', 'note']) await waitForCompared(h, id, 2);
  });
  afterAll(async () => {
    await h?.close();
    await Promise.all([legacy?.close(), next?.close()]);
    rmSync(formularyDir, { recursive: true, force: true });
  });

  it('v2: other MSH-7 and MSH-10 on every message match; PID-5 and one OBX-5 are the only differences, stored as /PID/*/5/*/1 and /OBX/*/5/*/1', async () => {
    const found = (await differencesOf('v2-oru')).map((d) => `${d.kind} ${d.pointer} ${d.count}`).sort();
    expect(found).toEqual(['changed /OBX/*/5/*/1 1', 'changed /PID/*/5/*/1 1']);
  });

  it('CDA: one changed attribute is stored at its element path', async () => {
    expect((await differencesOf('cda')).map((d) => `${d.kind} ${d.pointer}`)).toEqual(['changed /ClinicalDocument/recordTarget/patientRole/id/@extension']);
  });

  it('a summary dropping "insulin glargine 20 units at bedtime" is fact-missing for the dose and the medication; the reworded one matched', async () => {
    const found = (await differencesOf('summary')).map((d) => `${d.kind} ${d.pointer} ${d.count}`).sort();
    expect(found).toEqual(['fact-missing /summary/@fact/dose 1', 'fact-missing /summary/@fact/frequency 1', 'fact-missing /summary/@fact/medication 1']);
    const summary = JSON.parse(await api('/api/routes/summary')) as { stats: { matched: number; mismatched: number }; readiness: { reasons: string[] } };
    expect(summary.stats).toMatchObject({ matched: 1, mismatched: 1 });
    expect(summary.readiness.reasons.join(' ')).toMatch(/zero tolerance for dose/);
  });

  it('a text/plain body is compared by its facts at /@fact/<category>', async () => {
    expect((await differencesOf('note')).map((d) => `${d.kind} ${d.pointer}`).sort()).toEqual(['fact-missing /@fact/dose', 'fact-missing /@fact/frequency', 'fact-missing /@fact/medication']);
  });

  it('keeps the canary MRN, name and date of birth of v2, XML and text bodies out of the database file, the logs and the API', async () => {
    await h.ficus.flush();
    const outputs: [string, string][] = [['logs', h.logs.map((l) => JSON.stringify(l)).join('\n')], ['api routes', await api('/api/routes')]];
    for (const id of ['v2-oru', 'cda', 'summary', 'note']) outputs.push([`api differences ${id}`, await api(`/api/differences?route=${id}`)]);
    const dataDir = join(h.routesDir, '..', 'data');
    for (const file of readdirSync(dataDir)) outputs.push([`data/${file}`, readFileSync(join(dataDir, file)).toString('latin1')]);
    for (const [name, text] of outputs) {
      for (const canary of [...CANARIES, 'M\xfcller', 'insulin glargine', '20 units']) expect(text.includes(canary), `${canary} found in ${name}`).toBe(false);
    }
    // The search looked at real content: the pointers are in the database bytes.
    expect(outputs.filter(([name]) => name.startsWith('data/ficus.db')).map(([, text]) => text).join('')).toContain('/PID/*/5/*/1');
  });
});

