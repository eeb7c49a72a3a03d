// Shadow traffic: the client always gets legacy's whole response, whatever the new service does with
// the copy; copies are bounded by a budget; writes are copied only under the acknowledged dry-run
// contract; and every request not copied is counted with its reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNewServiceDemo, type NewServiceDemoHandle } from '../../src/demo/new-service/server.ts';
import { listAudit } from '../../src/store/audit-log.ts';
import { startEchoUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { waitFor } from '../support/wait-for.ts';
import { type TestFicus, startTestFicus } from '../support/ficus/test-ficus.ts';

const route = (id: string, path: string, extra = '') => `  - id: ${id}
    match: { methods: ['*'], path: ${path} }
    new: next
    flag: ficus.${id}
${extra}`;

const ROUTES = `routes:
${route('records', '/records/:id', '    shadow: { timeoutMs: 200 }\n')}
${route('budget', '/budget/:id', '    shadow: { concurrency: 1, timeoutMs: 600000 }\n')}
${route('observations', '/fhir/Observation', '    shadow: { writes: dry-run }\n')}
${route('noack', '/noack/:id', '    shadow: { writes: dry-run }\n')}
${route('search', '/search', '    safe: true\n    shadow: { bodyCapBytes: 64 }\n')}
${route('sampled', '/sampled/:id', '    compare: { sample: 0 }\n')}
${route('probation', '/probation/:id', '    shadow: { writes: dry-run, timeoutMs: 600000 }\n')}`;

const IDS = ['records', 'budget', 'observations', 'noack', 'search', 'sampled', 'probation'];

describe('shadow isolation (mode shadow)', () => {
  let legacy: TestUpstream;
  let next: NewServiceDemoHandle;
  let f: TestFicus;
  const closedShadowSockets: number[] = [];

  beforeAll(async () => {
    legacy = await startEchoUpstream('legacy');
    next = await startNewServiceDemo({ behaviour: 'normal' });
    next.server.on('connection', (socket) => socket.once('close', () => closedShadowSockets.push(Date.now())));
    f = await startTestFicus({
      upstreams: `upstreams:\n  legacy:\n    url: ${legacy.url}\n  next:\n    url: ${next.url}\n`,
      routes: ROUTES,
      flags: Object.fromEntries(IDS.map((id) => [`ficus.${id}`, { mode: 'shadow' as const }])),
      random: () => 0.5,
    });
  });
  afterAll(async () => {
    await f?.close();
    await next?.close();
    await legacy?.close();
  });

  /** The proxied answer and legacy's own answer to the same request. */
  async function viaFicusAndDirect(path: string, init: RequestInit = {}) {
    const proxied = await fetch(`${f.proxyUrl}${path}`, init);
    const body = await proxied.text();
    const direct = await fetch(`${legacy.url}${path}`, init);
    return { proxied: { status: proxied.status, body }, direct: { status: direct.status, body: await direct.text() } };
  }

  it('serves legacy\'s whole response while the new service hangs on the copy (it ends by the shadow timeout)', async () => {
    next.setBehaviour('hang');
    next.reset();
    const closedBefore = closedShadowSockets.length;
    const { proxied, direct } = await viaFicusAndDirect('/records/1');
    // The client has its whole answer while the copy's connection is still open (hanging)…
    const copyOpenWhenClientDone = closedShadowSockets.length === closedBefore;
    expect(proxied).toEqual(direct);
    expect(JSON.parse(proxied.body)).toMatchObject({ side: 'legacy' });
    expect(copyOpenWhenClientDone).toBe(true);
    // …and that connection is then cut by the copy's own 200 ms timeout.
    await waitFor(() => closedShadowSockets.length > closedBefore, 5_000, 'shadow copy timed out');
    expect(next.received().map((r) => [r.url, r.headers['ficus-shadow']])).toEqual([['/records/1', 'shadow']]);
    const summary = await waitForSummary('records', (s) => (s.stats.statusMatrix['2xx']?.timeout ?? 0) >= 1);
    expect(summary.stats.statusMatrix['2xx']).toMatchObject({ timeout: 1 });
  });

  it('serves legacy\'s whole response while the new service resets the copy\'s connection', async () => {
    next.setBehaviour('reset');
    const { proxied, direct } = await viaFicusAndDirect('/records/2');
    expect(proxied).toEqual(direct);
    await waitForSummary('records', (s) => (s.stats.statusMatrix['2xx']?.error ?? 0) >= 1);
  });

  it('serves legacy\'s whole response while the new service sends 10 MB for the copy', async () => {
    next.setBehaviour('huge');
    const { proxied, direct } = await viaFicusAndDirect('/records/3');
    expect(proxied).toEqual(direct);
    // The copy is judged either way: its 10 MB answered (2xx) or, on a loaded machine, cut at the
    // route's 200 ms shadow timeout — what matters is that the client got legacy's whole answer.
    await waitForSummary('records', (s) => Object.values(s.stats.statusMatrix['2xx'] ?? {}).reduce((sum: number, n) => sum + (n ?? 0), 0) >= 1);
  });

  it('drops and counts copies over the route\'s shadow budget, still serving every client', async () => {
    next.setBehaviour('hang');
    const first = await viaFicusAndDirect('/budget/1'); // its copy hangs and holds the budget of 1
    const second = await viaFicusAndDirect('/budget/2');
    expect(first.proxied).toEqual(first.direct);
    expect(second.proxied).toEqual(second.direct);
    const summary = await f.routeSummary('budget');
    expect(summary.stats.skipped).toMatchObject({ 'budget-full': 1 });
  });

  it('never mirrors a write without the dry-run opt-in, and counts it as unsafe-method', async () => {
    next.setBehaviour('normal');
    next.reset();
    const { proxied } = await viaFicusAndDirect('/records/4', { method: 'POST', body: '{"note":"x"}' });
    expect(proxied.status).toBe(200);
    expect(JSON.parse(proxied.body)).toMatchObject({ side: 'legacy', method: 'POST' });
    const summary = await f.routeSummary('records');
    expect(summary.stats.skipped).toMatchObject({ 'unsafe-method': 1 });
    expect(next.received().filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('mirrors a write on an opted-in route as a dry-run copy the new service acknowledges', async () => {
    next.setBehaviour('normal');
    next.reset();
    const res = await fetch(`${f.proxyUrl}/fhir/Observation`, { method: 'POST', body: '{"resourceType":"Observation"}', headers: { 'content-type': 'application/fhir+json' } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const copy = await waitFor(() => next.received().find((r) => r.method === 'POST'), 5_000, 'dry-run copy');
    expect(copy.headers['ficus-shadow']).toBe('dry-run');
    await waitForSummary('observations', (s) => s.stats.latency.new.count >= 1);
    expect((await f.routeSummary('observations')).writeMirroring).toBe('dry-run');
  });

  it('stops write mirroring on a route at the first copy answered without the ack', async () => {
    next.setBehaviour('normal');
    next.reset();
    const post = (id: number) => fetch(`${f.proxyUrl}/noack/${id}`, { method: 'POST', body: '{"n":1}' }).then(async (r) => [r.status, await r.text()] as const);
    expect((await post(1))[0]).toBe(200);
    await waitFor(() => f.logs.find((l) => l.event === 'write-mirroring-stopped'), 5_000, 'write-mirroring-stopped');
    expect((await post(2))[0]).toBe(200);
    expect(next.received().filter((r) => r.method === 'POST').map((r) => r.url)).toEqual(['/noack/1']);
    const summary = await f.routeSummary('noack');
    expect(summary.writeMirroring).toBe('stopped');
    expect(summary.stats.skipped).toMatchObject({ 'no-ack': 1, 'write-mirroring-stopped': 1 });
    const audit = await listAudit(f.ficus.store.db, { route: 'noack' });
    expect(audit.filter((e) => e.action === 'write-mirroring-stopped')).toEqual([expect.objectContaining({ actor: 'ficus', source: 'proxy' })]);
  });

  it('counts a safe request whose body is over the cap as body-over-cap, and serves it', async () => {
    next.reset();
    const { proxied } = await viaFicusAndDirect('/search', { method: 'POST', body: 'x'.repeat(1_000) });
    expect(proxied.status).toBe(200);
    const summary = await f.routeSummary('search');
    expect(summary.stats.skipped).toMatchObject({ 'body-over-cap': 1 });
    expect(next.received()).toEqual([]);
  });

  it('counts a request left out by sampling as sampled-out', async () => {
    next.reset();
    const { proxied, direct } = await viaFicusAndDirect('/sampled/1');
    expect(proxied).toEqual(direct);
    expect((await f.routeSummary('sampled')).stats.skipped).toMatchObject({ 'sampled-out': 1 });
    expect(next.received()).toEqual([]);
  });

  it('regression: concurrent writes were all copied before the dry-run contract was ever acknowledged', async () => {
    next.setBehaviour('hang');
    next.reset();
    const post = (id: number) => fetch(`${f.proxyUrl}/probation/${id}`, { method: 'POST', body: '{"n":1}' }).then((r) => r.status);
    expect(await post(1)).toBe(200); // its dry-run copy hangs: no ack yet
    await waitFor(() => next.received().some((r) => r.url === '/probation/1'), 5_000, 'first dry-run copy');
    expect(await post(2)).toBe(200);
    const summary = await f.routeSummary('probation');
    expect(summary.stats.skipped).toMatchObject({ 'no-ack': 1 });
    expect(next.received().filter((r) => r.method === 'POST').map((r) => r.url)).toEqual(['/probation/1']);
  });

  type Summary = Awaited<ReturnType<TestFicus['routeSummary']>>;
  async function waitForSummary(id: string, ok: (s: Summary) => boolean): Promise<Summary> {
    let last: Summary | undefined;
    for (let i = 0; i < 100; i++) {
      last = await f.routeSummary(id);
      if (ok(last)) return last;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`route ${id} evidence never matched: ${JSON.stringify(last?.stats)}`);
  }
});
