// A client that closes its connection before the upstream answers (a clinician navigating away, a
// load balancer's timeout) was never recorded: Ficus cut the upstream call and the exchange just
// vanished — no access-log line, no count, no trace end; one that left while a replay on legacy
// waited for its body, too. Now the exchange ends as CLIENT_GONE (logged 499, nothing sent) and is
// never held against the new service's breaker.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { metricValue } from '../support/metrics/metric-value.ts';
import { waitForAsync } from '../support/wait-for.ts';
import { startRecordingUpstream, type RecordingUpstream } from '../support/upstreams/recording-upstream.ts';

let h: TestFicus | undefined;
const upstreams: RecordingUpstream[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  await Promise.all(upstreams.splice(0).map((u) => u.close()));
});

/** Sends a request on a raw socket, waits until the upstream holds it, then closes the socket. */
async function leaveBeforeTheAnswer(proxyUrl: string, path: string, upstream: RecordingUpstream): Promise<void> {
  const url = new URL(proxyUrl);
  const socket = net.connect(Number(url.port), url.hostname);
  socket.on('error', () => {});
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ehr.example\r\n\r\n`);
  await upstream.requestCount(1);
  socket.destroy();
}

describe('a client that leaves before the answer', () => {
  it('ends the exchange as CLIENT_GONE with status 499 in the access log, for unmatched pass-through', async () => {
    const legacy = await startRecordingUpstream({ hold: () => true });
    upstreams.push(legacy);
    h = await startTestFicus({ upstreams: { legacy: { url: legacy.url } } });
    await leaveBeforeTheAnswer(h.proxyUrl, '/legacy/only/1', legacy);
    const line = await h.waitForLog((l) => l.event === 'request');
    expect(line).toMatchObject({ status: 499, failure: 'CLIENT_GONE', complete: false });
  });

  it('on a route served by new: logged once, no replay on legacy, and never a breaker failure', async () => {
    const legacy = await startRecordingUpstream();
    const next = await startRecordingUpstream({ hold: () => true });
    upstreams.push(legacy, next);
    h = await startTestFicus({
      upstreams: { legacy: { url: legacy.url }, next: { url: next.url } },
      flags: { 'ficus.items': { mode: 'new' }, 'ficus.search': { mode: 'legacy' }, 'ficus.open': { mode: 'legacy' } },
    });
    for (let i = 0; i < 6; i++) {
      const before = next.requests.length;
      await leaveBeforeTheAnswer(h.proxyUrl, `/items/${i}`, { ...next, requestCount: (n) => next.requestCount(before + n) });
      await h.waitForLog((l) => l.event === 'request' && l.route === 'items' && h!.logs.filter((x) => x.event === 'request').length === i + 1);
    }
    const lines = h.logs.filter((l) => l.event === 'request');
    expect(lines).toHaveLength(6);
    expect(lines.every((l) => l.status === 499 && l.failure === 'CLIENT_GONE' && l.servedBy === 'new')).toBe(true);
    expect(legacy.requests).toHaveLength(0); // no replay for a client that is gone
    expect(h.ficus.breaker.state('items')).toBe('closed'); // six in a row would trip it if counted
  });

  // New refused the connection, so the write is replayed on legacy once its body has arrived; the
  // client gives up while the replay still waits for that body. That exchange was dropped silently.
  it('while a replay on legacy waits for the request body: logged as CLIENT_GONE, legacy never called', async () => {
    const legacy = await startRecordingUpstream();
    upstreams.push(legacy);
    const refused = await startRecordingUpstream();
    const refusedUrl = refused.url;
    await refused.close(); // nothing listens there now: connection refused
    h = await startTestFicus({
      upstreams: { legacy: { url: legacy.url }, next: { url: refusedUrl } },
      flags: { 'ficus.items': { mode: 'new' }, 'ficus.search': { mode: 'legacy' }, 'ficus.open': { mode: 'legacy' } },
    });
    const url = new URL(h.proxyUrl);
    const socket = net.connect(Number(url.port), url.hostname);
    socket.on('error', () => {});
    socket.write('POST /items/7 HTTP/1.1\r\nHost: ehr.example\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"dose":');
    // The replay has begun (new's refusal counted as a mirrored call to new) and waits for 92 more bytes.
    await waitForAsync(async () => (await metricValue(h!.adminUrl, 'ficus_mirrored_total', { route: 'items', side: 'new', status: 'error' })) === 1 || undefined, 10_000, 'replay started');
    socket.destroy();
    const line = await h.waitForLog((l) => l.event === 'request');
    expect(line).toMatchObject({ status: 499, failure: 'CLIENT_GONE', servedBy: 'new', fallback: 'connect-refused', complete: false });
    expect(legacy.requests).toHaveLength(0);
  });
});
