// The test harness's own contract: what every suite relies on when it starts Ficus.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startEchoUpstream, type TestUpstream } from '../upstreams/http-upstream.ts';
import { startTestFicus, type TestFicus } from './test-ficus.ts';

describe('startTestFicus', () => {
  let h: TestFicus | undefined;
  let legacy: TestUpstream | undefined;
  afterEach(async () => {
    await h?.close();
    await legacy?.close();
    h = legacy = undefined;
  });

  const side = async (url: string) => ((await (await fetch(url)).json()) as { side: string }).side;

  it('serves through an in-process Ficus and flips a flag', async () => {
    h = await startTestFicus();
    expect(await side(`${h.proxyUrl}/items/1`)).toBe('legacy');
    await h.setFlagMode('ficus.items', 'new');
    expect(await side(`${h.proxyUrl}/items/1`)).toBe('new');
    expect(h.logs.some((l) => l.event === 'listening')).toBe(true);
  });

  it('restarts on the same folders: the flag in force stays, the logs start afresh', async () => {
    h = await startTestFicus();
    await h.setFlagMode('ficus.items', 'new');
    const firstLogs = h.logs;
    await h.restart();
    expect(h.logs).not.toBe(firstLogs);
    expect(h.logs.filter((l) => l.event === 'listening')).toHaveLength(1);
    expect(await side(`${h.proxyUrl}/items/1`)).toBe('new');
  });

  it('writes upstreams given as raw YAML verbatim and starts no echo upstreams of its own', async () => {
    legacy = await startEchoUpstream('raw-legacy');
    h = await startTestFicus({ upstreams: `upstreams:\n  legacy:\n    url: ${legacy.url}\n  next:\n    url: ${legacy.url}\n` });
    expect(h.upstreamUrls).toEqual({});
    expect(await side(`${h.proxyUrl}/items/1`)).toBe('raw-legacy');
  });

  it('refuses to hand out spans unless started with traces in memory', async () => {
    h = await startTestFicus();
    expect(() => h!.spans).toThrow(/traces: 'in-memory'/);
  });

  it('removes its folders on close', async () => {
    h = await startTestFicus();
    const root = h.root;
    await h.close();
    h = undefined;
    expect(existsSync(root)).toBe(false);
  });
});
