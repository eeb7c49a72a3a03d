// Trace context is always propagated (issue 14 item 5): with no trace exporter configured, Ficus
// still continues the client's W3C trace or starts one, so the monolith's and the new service's own
// traces join up per request. Real upstreams record the `traceparent` they receive.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { type TestUpstream, startEchoUpstream } from '../support/upstreams/http-upstream.ts';
import { waitFor } from '../support/wait-for.ts';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;
const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

function traceparentOf(upstream: TestUpstream, index: number): RegExpExecArray {
  const raw = upstream.received[index]!.rawHeaders;
  const names = raw.filter((name, i) => i % 2 === 0 && name.toLowerCase() === 'traceparent');
  expect(names, 'exactly one traceparent reaches the upstream').toHaveLength(1);
  const at = raw.findIndex((name, i) => i % 2 === 0 && name.toLowerCase() === 'traceparent');
  const match = TRACEPARENT.exec(raw[at + 1]!);
  expect(match, `a W3C traceparent, got ${raw[at + 1]}`).not.toBeNull();
  return match!;
}

describe('trace context with no exporter', () => {
  let h: TestFicus | undefined;
  const upstreams: TestUpstream[] = [];
  afterEach(async () => {
    await h?.close();
    h = undefined;
    await Promise.all(upstreams.splice(0).map((u) => u.close()));
  });

  async function start(mode: 'legacy' | 'shadow') {
    const legacy = await startEchoUpstream('legacy');
    const next = await startEchoUpstream('new');
    upstreams.push(legacy, next);
    h = await startTestFicus({ upstreams: { legacy: { url: legacy.url }, next: { url: next.url } }, flags: { 'ficus.items': { mode } } });
    return { legacy, next, proxyUrl: h.proxyUrl };
  }

  it('originates a sampled trace when the client sends none, a new one per request', async () => {
    const { legacy, proxyUrl } = await start('legacy');
    await fetch(`${proxyUrl}/items/1`);
    await fetch(`${proxyUrl}/unrouted/path`);
    const [first, second] = [traceparentOf(legacy, 0), traceparentOf(legacy, 1)];
    expect(first[1]).not.toBe('0'.repeat(32));
    expect(first[3]).toBe('01');
    expect(second[1]).not.toBe(first[1]);
  });

  it("continues the client's trace with Ficus's own span id and keeps its sampling decision", async () => {
    const { legacy, proxyUrl } = await start('legacy');
    await fetch(`${proxyUrl}/items/1`, { headers: { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` } });
    await fetch(`${proxyUrl}/items/2`, { headers: { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-00` } });
    const [sampled, unsampled] = [traceparentOf(legacy, 0), traceparentOf(legacy, 1)];
    expect(sampled[1]).toBe(CLIENT_TRACE);
    expect(sampled[2]).not.toBe(CLIENT_SPAN);
    expect(sampled[3]).toBe('01');
    expect(unsampled[1]).toBe(CLIENT_TRACE);
    expect(unsampled[3]).toBe('00');
  });

  it('starts a new trace for a malformed traceparent instead of forwarding it', async () => {
    const { legacy, proxyUrl } = await start('legacy');
    await fetch(`${proxyUrl}/items/1`, { headers: { traceparent: `00-${'0'.repeat(32)}-${CLIENT_SPAN}-01` } });
    expect(traceparentOf(legacy, 0)[1]).not.toBe('0'.repeat(32));
  });

  it('gives the shadow copy the same trace as the served request', async () => {
    const { legacy, next, proxyUrl } = await start('shadow');
    await fetch(`${proxyUrl}/items/7`, { headers: { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` } });
    await waitFor(() => next.received.length === 1, 5_000, 'the shadow copy');
    const [served, copy] = [traceparentOf(legacy, 0), traceparentOf(next, 0)];
    expect(served[1]).toBe(CLIENT_TRACE);
    expect(copy[1]).toBe(CLIENT_TRACE);
    expect(copy[2]).not.toBe(served[2]);
  });
});
