import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer, listenLoopback } from '../../../tests/support/upstreams/loopback.ts';
import { startUpstream, type TestUpstream } from '../../../tests/support/upstreams/http-upstream.ts';
import type { ExchangeObservation } from '../../compare/evidence.ts';
import type { ExchangeSummary } from '../exchange-summary.ts';
import { openRequestExchange } from '../exchange.ts';
import { createForwarder } from '../forward.ts';
import { RequestBodyCopy } from '../request-body-copy.ts';
import type { EdgeState } from '../handler-deps.ts';
import { buildHeaders } from './build-headers.ts';
import { dispatch } from './dispatch.ts';
import { closeEdgeState, edgeState, handlerDeps, routeConfig } from './exchange.test-kit.ts';

// The dispatch pass on its own: a real forwarder, real upstreams and a real edge socket; the
// exchange's earlier fields are set by hand, as the earlier passes would have.
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Legacy echoes `legacy:<method>:<body>`; new answers with the given status and `new`. */
async function upstreams(newStatus: number): Promise<{ legacy: TestUpstream; fresh: TestUpstream }> {
  const echo = (side: string, status: number) => (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => res.writeHead(status, { 'content-type': 'text/plain' }).end(side === 'new' ? 'new' : `legacy:${req.method}:${Buffer.concat(chunks).toString()}`));
  };
  const legacy = await startUpstream(echo('legacy', 200));
  const fresh = await startUpstream(echo('new', newStatus));
  cleanups.push(() => legacy.close(), () => fresh.close());
  return { legacy, fresh };
}

interface Edge {
  readonly url: string;
  readonly ended: ExchangeSummary[];
  readonly observed: ExchangeObservation[];
}

/** An edge whose handler opens an exchange, lets `prepare` play the earlier passes, then dispatches. */
async function edge(state: EdgeState, prepare: (exchange: ReturnType<typeof openRequestExchange>) => void): Promise<Edge> {
  const forwarder = createForwarder();
  const ended: ExchangeSummary[] = [];
  const observed: ExchangeObservation[] = [];
  const deps = handlerDeps(state, { forwarder, onExchangeEnd: (summary) => ended.push(summary), observe: (o) => observed.push(o) });
  const server = http.createServer((req, res) => {
    const exchange = openRequestExchange(req, res, deps);
    buildHeaders(exchange, deps);
    prepare(exchange);
    expect(dispatch(exchange, deps)).toBe('done');
  });
  const url = await listenLoopback(server);
  cleanups.push(() => closeServer(server), () => forwarder.close(), () => closeEdgeState(state));
  return { url, ended, observed };
}

describe('dispatch pass', () => {
  it('sends unmatched traffic to legacy and reports the exchange\'s end with legacy\'s status', async () => {
    const { legacy, fresh } = await upstreams(200);
    const state = edgeState([], { legacy: { url: legacy.url }, 'new-service': { url: fresh.url } });
    const proxy = await edge(state, () => {});
    const response = await fetch(`${proxy.url}/cgi-bin/x.pl?a=1`);
    expect(await response.text()).toBe('legacy:GET:');
    expect(response.headers.get('server-timing')).toMatch(/^upstream;dur=[\d.]+, ficus;desc=legacy$/);
    expect(legacy.received.map((r) => r.url)).toEqual(['/cgi-bin/x.pl?a=1']);
    expect(fresh.received).toEqual([]);
    expect(proxy.ended).toMatchObject([{ servedBy: 'legacy', status: 200, complete: true, route: undefined }]);
    expect(proxy.observed).toEqual([]);
  });

  it('replays a POST on a safe route on legacy, with the whole body, when new answers 503', async () => {
    const { legacy, fresh } = await upstreams(503);
    const route = routeConfig({ id: 'search', match: { path: '/fhir/Patient/_search' }, safe: true });
    const state = edgeState([route], { legacy: { url: legacy.url }, 'new-service': { url: fresh.url } });
    const proxy = await edge(state, (exchange) => {
      exchange.route = state.table.routes[0];
      exchange.decision = { mode: 'new', serve: 'new', variant: 'new', flag: 'ficus.search', revision: 'r1', reason: 'flag' };
      exchange.side = 'new';
      exchange.upstream = state.upstreams.get('new-service')!;
      // As plan-copies does: the copy is asked for before dispatch, read only once the primary is sent.
      exchange.body = new RequestBodyCopy(exchange.req, 1024);
      void exchange.body.take();
    });
    const body = 'code=8867-4&_count=10';
    const response = await fetch(`${proxy.url}/fhir/Patient/_search`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(`legacy:POST:${body}`);
    expect(fresh.received).toHaveLength(1);
    expect(proxy.ended).toMatchObject([{ servedBy: 'legacy', status: 200, fallback: 'status-5xx', complete: true }]);
    expect(proxy.observed).toEqual([
      { type: 'mirrored', route: 'search', side: 'new', status: '5xx', latencyMs: expect.any(Number) },
      { type: 'served', route: 'search', mode: 'new', side: 'legacy', status: '2xx', latencyMs: expect.any(Number), fallback: 'status-5xx' },
    ]);
  });

  it('relays new\'s 503 to a POST on a route not declared safe (new may have acted on it)', async () => {
    const { legacy, fresh } = await upstreams(503);
    const route = routeConfig({ id: 'orders', match: { path: '/orders' } });
    const state = edgeState([route], { legacy: { url: legacy.url }, 'new-service': { url: fresh.url } });
    const proxy = await edge(state, (exchange) => {
      exchange.route = state.table.routes[0];
      exchange.decision = { mode: 'new', serve: 'new', variant: 'new', flag: 'ficus.orders', revision: 'r1', reason: 'flag' };
      exchange.side = 'new';
      exchange.upstream = state.upstreams.get('new-service')!;
    });
    const response = await fetch(`${proxy.url}/orders`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('new');
    expect(legacy.received).toEqual([]);
    expect(proxy.ended).toMatchObject([{ servedBy: 'new', status: 503, complete: true }]);
  });
});
