// Client-facing limits of the proxy port (issue 13 item 12): refusals are counted one by one in
// /metrics but logged at most once per kind per interval, and the keep-alive timeout is a setting.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { metricValue } from '../support/metrics/metric-value.ts';
import { headerValues, send } from '../support/http/raw-http.ts';

describe('edge limits', () => {
  let h: TestFicus | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('logs one warning line for 300 connections sending malformed requests, and counts all 300', async () => {
    h = await startTestFicus();
    const malformed = (n: number) => new Promise<void>((resolve) => {
      const socket = net.connect(Number(new URL(h!.proxyUrl).port), '127.0.0.1');
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
      socket.resume();
      socket.end(`GET /a HTTP/1.1\r\nHost: x\r\nX(Bad): ${n}\r\n\r\n`);
    });
    await Promise.all(Array.from({ length: 300 }, (_, n) => malformed(n)));
    expect(await metricValue(h.adminUrl, 'ficus_requests_refused_total', { reason: 'HPE_INVALID_HEADER_TOKEN' })).toBe(300);
    expect(h.logs.filter((l) => l.event === 'client-error')).toHaveLength(1);
  });

  it('tells clients the configured keep-alive timeout (FICUS_KEEPALIVE_TIMEOUT_MS)', async () => {
    h = await startTestFicus({ settings: { edgeKeepAliveMs: 7_000 } });
    const res = await send(h.proxyUrl, { path: '/unmatched', headers: ['Host', 'ficus.test', 'Connection', 'keep-alive'] });
    expect(headerValues(res.rawHeaders, 'keep-alive')).toEqual(['timeout=7']);
  });
});
