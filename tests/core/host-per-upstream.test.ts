// `rewriteHost` belongs to an upstream, not to an exchange: a copy or a replay sent to another
// upstream carries that upstream's Host rule, not the served side's.
// Regression: the served side's Host was baked into the header list the copy and the replay reused.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { startEchoUpstream, startUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';
import { waitFor } from '../support/wait-for.ts';

const hostOf = (rawHeaders: readonly string[]) => rawHeaders[rawHeaders.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === 'host') + 1];

describe('Host per upstream', () => {
  let h: TestFicus | undefined;
  const upstreams: TestUpstream[] = [];
  afterEach(async () => {
    await h?.close();
    await Promise.all(upstreams.splice(0).map((u) => u.close()));
  });

  it('sends the client Host to legacy and the new service its own Host on a shadow copy', async () => {
    const legacy = await startEchoUpstream('legacy');
    const next = await startEchoUpstream('new');
    upstreams.push(legacy, next);
    h = await startTestFicus({ upstreams: { legacy: { url: legacy.url }, next: { url: next.url, rewriteHost: true } }, flags: { 'ficus.items': { mode: 'shadow' } } });
    const res = await fetch(`${h.proxyUrl}/items/7`);
    await res.arrayBuffer();
    await waitFor(() => next.received.length > 0, 5_000, 'the shadow copy');
    expect(hostOf(legacy.received[0]!.rawHeaders)).toBe(new URL(h.proxyUrl).host) // the client's Host: Ficus's own address;
    expect(hostOf(next.received[0]!.rawHeaders)).toBe(new URL(next.url).host);
  });

  it('replays on legacy with the client Host after the new service (which rewrites Host) fails', async () => {
    const legacy = await startEchoUpstream('legacy');
    const failing = await startUpstream((req, res) => {
      req.resume();
      res.writeHead(500).end();
    });
    upstreams.push(legacy, failing);
    h = await startTestFicus({ upstreams: { legacy: { url: legacy.url }, next: { url: failing.url, rewriteHost: true } }, flags: { 'ficus.items': { mode: 'new' } } });
    const res = await fetch(`${h.proxyUrl}/items/7`);
    expect(((await res.json()) as { side: string }).side).toBe('legacy');
    expect(hostOf(failing.received[0]!.rawHeaders)).toBe(new URL(failing.url).host);
    expect(hostOf(legacy.received[0]!.rawHeaders)).toBe(new URL(h.proxyUrl).host) // the client's Host: Ficus's own address;
  });
});
