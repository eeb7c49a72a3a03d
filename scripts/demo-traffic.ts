// `npm run demo:traffic -- [--rps 150] [--seconds 120] [--url http://127.0.0.1:8080]`
// Drives a clinical-like request mix at a steady rate against the running demo (`npm start`), so
// shadowed routes collect comparisons and reach a readiness verdict in minutes (a Wilson bound
// under 0.1% needs about 3,800 clean comparisons, under medication-request-search's demo bar of 0.5%
// about 770), and a few endpoints no route covers feed the migration map. Prints progress and readiness.
// Synthetic patients only (pat-0001 … pat-0500). Loopback only: it refuses any other host.
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    rps: { type: 'string', default: '150' },
    seconds: { type: 'string', default: '120' },
    url: { type: 'string', default: process.env.FICUS_URL ?? 'http://127.0.0.1:8080' },
    admin: { type: 'string', default: process.env.FICUS_ADMIN_URL ?? 'http://127.0.0.1:8081' },
    token: { type: 'string', default: process.env.FICUS_ADMIN_TOKEN ?? 'demo-operator-token' },
  },
});
const base = new URL(values.url!);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(base.hostname)) {
  console.error(`demo-traffic: refusing to send load to ${base.hostname}; it only targets this machine`);
  process.exit(2);
}
const rps = Number(values.rps);
const seconds = Number(values.seconds);

const patient = () => `pat-${String(1 + Math.floor(Math.random() * 500)).padStart(4, '0')}`;
type Pick = { weight: number; name: string; request: () => [string, RequestInit?] };
const mix: Pick[] = [
  { weight: 40, name: 'GET Patient', request: () => [`/fhir/Patient/${patient()}`] },
  { weight: 20, name: 'GET Observation', request: () => [`/fhir/Observation?patient=${patient()}&_count=10`] },
  // Generated summaries, compared by their clinical facts (routes/fhir.yaml patient-summary).
  { weight: 5, name: 'GET Patient $summary', request: () => [`/fhir/Patient/${patient()}/$summary`] },
  { weight: 15, name: 'GET MedicationRequest', request: () => [`/fhir/MedicationRequest?patient=${patient()}&_include=MedicationRequest:medication`] },
  { weight: 8, name: 'POST Patient/_search', request: () => ['/fhir/Patient/_search', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `identifier=MRN-${String(4410 + 7 * Math.floor(1 + Math.random() * 500)).padStart(8, '0')}` }] },
  { weight: 7, name: 'POST MedicationAdministration', request: () => {
    const id = patient();
    return ['/fhir/MedicationAdministration', { method: 'POST', headers: { 'content-type': 'application/fhir+json', 'x-patient-id': id }, body: JSON.stringify({ resourceType: 'MedicationAdministration', status: 'completed', subject: { reference: `Patient/${id}` }, medicationReference: { reference: 'Medication/med-0001' }, effectiveDateTime: new Date().toISOString() }) }];
  } },
  { weight: 5, name: 'POST Observation', request: () => ['/fhir/Observation', { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify({ resourceType: 'Observation', status: 'final', code: { text: 'Heart rate' }, subject: { reference: `Patient/${patient()}` }, valueQuantity: { value: 60 + Math.round(Math.random() * 40), unit: '/min' } }) }] },
  // Endpoints no route covers yet: what the migration map (ficus map) shows as left to migrate.
  { weight: 2, name: 'GET Patient?name', request: () => [`/fhir/Patient?name=${['Okafor', 'Lindqvist', 'Moreau'][Math.floor(Math.random() * 3)]}`] },
  { weight: 1, name: 'GET census report', request: () => ['/reports/census', { headers: { 'accept-encoding': 'gzip' } }] },
  { weight: 1, name: 'GET metadata', request: () => ['/fhir/metadata'] },
  { weight: 1, name: 'GET login page', request: () => ['/login'] },
  { weight: 5, name: 'POST hl7 ADT', request: () => ['/hl7/adt', { method: 'POST', headers: { 'content-type': 'application/hl7-v2; charset=ISO-8859-1' }, body: Buffer.from(`MSH|^~\\&|ADT|HOSP|EHR|HOSP|20261124090000||ADT^A01|MSG${Date.now()}|P|2.5.1\rPID|||${patient()}||Müller^Anna\r`, 'latin1') }] },
];
const total = mix.reduce((s, p) => s + p.weight, 0);
const choose = () => {
  let r = Math.random() * total;
  for (const p of mix) if ((r -= p.weight) < 0) return p;
  return mix[0]!;
};

const counts = { sent: 0, ok: 0, failed: 0 };
const started = Date.now();
const tick = setInterval(() => {
  for (let i = 0; i < rps / 20; i++) {
    const [path, init] = choose().request();
    counts.sent++;
    fetch(new URL(path, base), init)
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.status < 500) counts.ok++;
        else counts.failed++;
      })
      .catch((error) => {
        counts.failed++;
        if (counts.failed <= 3) console.error(`request failed: ${String(error?.cause?.code ?? error)}`);
      });
  }
  if (Date.now() - started >= seconds * 1000) clearInterval(tick);
}, 50);

const report = setInterval(async () => {
  const elapsed = Math.round((Date.now() - started) / 1000);
  let line = `${elapsed}s sent ${counts.sent} ok ${counts.ok} failed ${counts.failed}`;
  try {
    const res = await fetch(new URL('/api/routes', values.admin), { headers: { authorization: `Bearer ${values.token}` } });
    const body = (await res.json()) as { routes: { id: string; mode: string; stats: { compared: number; mismatched: number }; readiness: { ready: boolean } }[] };
    line += ' | ' + body.routes.filter((r) => r.mode !== 'legacy').map((r) => `${r.id} ${r.mode} compared ${r.stats.compared} mismatched ${r.stats.mismatched} ${r.readiness.ready ? 'READY' : 'not ready'}`).join(' | ');
  } catch {
    line += ' | (admin API not reachable)';
  }
  console.log(line);
  if (elapsed >= seconds + 3) {
    clearInterval(report);
    process.exit(counts.failed > 0 ? 1 : 0);
  }
}, 5000);
