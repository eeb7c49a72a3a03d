// Regression (issue 10, PHI finding): a patient's name or MRN used as a JSON object KEY, spelled
// like a field (`janeDoe`, `jane_doe`, `drSmith`, `mrn12`), was kept in clear in stored difference
// pointers, because camelCase, snake_case and letter-digit spellings counted as proof of a field;
// and a capitalised surname used as an XML element name was kept too. Through a real shadowing
// Ficus, the same patient read again and again: the keys never reach the database, the logs or the
// API; the differences under them are still recorded, grouped under `~k:<hmac8>`.
import type http from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { startUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { waitForCompared } from '../support/ficus/wait-for-compared.ts';

const CANARY_KEYS = ['janeDoe', 'jane_doe', 'drSmith', 'mrn12', 'Quigglesworth'];
const READS = 6;

let calls = 0;
function answer(side: 'legacy' | 'new'): http.RequestListener {
  return (req, res) => {
    req.resume();
    calls += 1;
    const phone = side === 'legacy' ? '555-0100' : `555-01${calls % 90 + 10}`;
    if ((req.url ?? '').startsWith('/xml/')) {
      return void res.writeHead(200, { 'content-type': 'application/xml' }).end(`<Contacts><Quigglesworth><phone>${phone}</phone></Quigglesworth></Contacts>`);
    }
    const body = { id: 'pat-1', status: 'active', janeDoe: { phone }, careTeam: { drSmith: { pager: phone }, jane_doe: { pager: phone } }, byMrn: { mrn12: { bed: phone } } };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
}

const route = (id: string, prefix: string) => `  - id: ${id}
    match: { methods: [GET], path: /${prefix}/:id }
    new: next
    flag: ficus.${id}
    stickiness: { path: id }
`;

describe('patient names and MRNs used as keys through a shadowing Ficus', () => {
  let legacy: TestUpstream;
  let next: TestUpstream;
  let h: TestFicus;
  const api = async (path: string) => (await fetch(`${h.adminUrl}${path}`, { headers: { authorization: 'Bearer test-token' } })).text();

  beforeAll(async () => {
    legacy = await startUpstream(answer('legacy'));
    next = await startUpstream(answer('new'));
    h = await startTestFicus({
      routes: `routes:\n${route('contacts', 'contacts')}${route('xml-contacts', 'xml')}`,
      upstreams: { legacy: { url: legacy.url }, next: { url: next.url } },
      flags: { 'ficus.contacts': { mode: 'shadow' as const }, 'ficus.xml-contacts': { mode: 'shadow' as const } },
    });
    for (let read = 0; read < READS; read++) {
      await (await fetch(`${h.proxyUrl}/contacts/pat-1`)).arrayBuffer();
      await (await fetch(`${h.proxyUrl}/xml/pat-1`)).arrayBuffer();
    }
    await waitForCompared(h, 'contacts', READS);
    await waitForCompared(h, 'xml-contacts', READS);
    await h.ficus.flush();
  });
  afterAll(async () => {
    await h?.close();
    await Promise.all([legacy?.close(), next?.close()]);
  });

  it('records the differences under the keys, grouped by a keyed HMAC of each key', async () => {
    const { differences } = JSON.parse(await api('/api/differences?route=contacts')) as { differences: { pointer: string; kind: string; count: number }[] };
    const pointers = differences.map((d) => d.pointer.replace(/~k:[0-9a-f]{8}/g, '~k')).sort();
    // `pager` is no standard's word and one record proves nothing: it is unproven too.
    expect(pointers).toEqual(['/~k/phone', '/~k/~k/bed', '/~k/~k/~k', '/~k/~k/~k']);
    expect(differences.every((d) => d.count === READS)).toBe(true);
    const xml = JSON.parse(await api('/api/differences?route=xml-contacts')) as { differences: { pointer: string }[] };
    expect(xml.differences.map((d) => d.pointer)).toEqual(['/Contacts/*/phone']);
  });

  it('keeps the keys out of the database file, the logs and the API', async () => {
    const outputs: [string, string][] = [['logs', h.logs.map((l) => JSON.stringify(l)).join('\n')], ['api routes', await api('/api/routes')]];
    for (const id of ['contacts', 'xml-contacts']) {
      outputs.push([`api differences ${id}`, await api(`/api/differences?route=${id}`)], [`api noise ${id}`, await api(`/api/noise?route=${id}`)]);
    }
    const dataDir = join(h.routesDir, '..', 'data');
    for (const file of readdirSync(dataDir)) outputs.push([`data/${file}`, readFileSync(join(dataDir, file)).toString('latin1')]);
    for (const [name, text] of outputs) for (const canary of CANARY_KEYS) expect(text.includes(canary), `${canary} found in ${name}`).toBe(false);
    expect(outputs.filter(([name]) => name.startsWith('data/ficus.db')).map(([, text]) => text).join('')).toContain('/Contacts/*/phone');
  });
});
