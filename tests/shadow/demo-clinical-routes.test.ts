// The demo's clinical routes as routes/fhir.yaml declares them, shadowed in front of the demo
// monolith and the demo new service: the v2 ADT ACKs differ only in MSH-7/MSH-10 and match; the
// generated summaries match their legacy facts except where the new service drops a dose
// (pat-0002) or flips a negation (pat-0004), which Ficus finds at /text/@fact/<category>.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyDemo } from '../../src/demo/legacy/server.ts';
import { startNewServiceDemo } from '../../src/demo/new-service/server.ts';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { REPO_ROOT } from '../support/repo-root.ts';
import { waitForCompared } from '../support/ficus/wait-for-compared.ts';

/** The two routes' entries from the shipped routes file, the formulary made absolute. */
function shippedRoutes(): string {
  const text = readFileSync(join(REPO_ROOT, 'routes/fhir.yaml'), 'utf8');
  const entries = text.split(/\n(?= {2}- id: )/).filter((entry) => /^ {2}- id: (patient-summary|hl7-adt)\n/.test(entry));
  expect(entries).toHaveLength(2);
  return `routes:\n${entries.join('\n').replace('formulary: formulary.txt', `formulary: ${join(REPO_ROOT, 'routes/formulary.txt')}`)}\n`;
}

const ADT = (id: string) => Buffer.from(`MSH|^~\\&|REG|GEN|EHR|GEN|20261130101500||ADT^A01^ADT_A01|${id}|P|2.5.1\rPID|1||MRN-CANARY-5501^^^GEN^MR||M\xfcller^Zebulon||19310228|M\r`, 'latin1');

describe('the demo clinical routes in shadow', () => {
  let legacy: Awaited<ReturnType<typeof startLegacyDemo>>;
  let next: Awaited<ReturnType<typeof startNewServiceDemo>>;
  let h: TestFicus;
  const api = async <T>(path: string): Promise<T> => (await (await fetch(`${h.adminUrl}${path}`, { headers: { authorization: 'Bearer test-token' } })).json()) as T;

  beforeAll(async () => {
    legacy = await startLegacyDemo();
    next = await startNewServiceDemo();
    h = await startTestFicus({
      routes: shippedRoutes(),
      upstreams: { legacy: { url: legacy.url }, 'ehr-next': { url: next.url } },
      flags: { 'ficus.patient-summary': { mode: 'shadow' }, 'ficus.hl7-adt': { mode: 'shadow' } },
    });
  });
  afterAll(async () => {
    await h?.close();
    await Promise.all([legacy?.close(), next?.close()]);
  });

  it('ADT ACKs that differ only in MSH-7 and MSH-10 match', async () => {
    for (const id of ['MSG1', 'MSG2', 'MSG3']) {
      const res = await fetch(`${h.proxyUrl}/hl7/adt`, { method: 'POST', headers: { 'content-type': 'application/hl7-v2; charset=ISO-8859-1' }, body: ADT(id) });
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).toString('latin1')).toContain('M\xfcller');
    }
    const route = await waitForCompared(h, 'hl7-adt', 3);
    expect(route.stats).toMatchObject({ compared: 3, matched: 3, mismatched: 0 });
  });

  it('finds the dropped dose and the flipped negation in the generated summaries, and nothing in the reworded ones', async () => {
    for (const id of ['pat-0001', 'pat-0002', 'pat-0003', 'pat-0004', 'pat-0005']) await (await fetch(`${h.proxyUrl}/fhir/Patient/${id}/$summary`)).arrayBuffer();
    const route = await waitForCompared(h, 'patient-summary', 5);
    expect(route.stats).toMatchObject({ compared: 5, matched: 3, mismatched: 2 });
    const { differences } = await api<{ differences: { pointer: string; kind: string }[] }>('/api/differences?route=patient-summary');
    expect(differences.map((d) => `${d.kind} ${d.pointer}`).sort()).toEqual(['fact-missing /text/@fact/dose', 'fact-missing /text/@fact/frequency', 'fact-missing /text/@fact/negation']);
    expect(route.readiness.reasons.join(' ')).toMatch(/zero tolerance for dose, allergy/);
  });
});

