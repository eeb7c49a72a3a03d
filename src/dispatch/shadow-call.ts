// A copy of a request sent by Ficus itself (shadow, dry-run, reverse mirror, noise probe). It has
// its own agent (a hanging new service can never take the sockets the primary path needs), its own
// timeout, and reads at most `capBytes` of the answer before hanging up. It never throws. It is
// addressed and rendered like every upstream call (upstream-request.ts): raw target, header lines
// in the client's order and case, this upstream's Host when it rewrites Host.
import type { Agent, ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { CapturedResponse } from '../compare/types.ts';
import type { HeaderEntries } from './hop-headers.ts';
import { createBodyCollector } from './body-collector.ts';
import { captureOf } from './relay.ts';
import type { Upstream } from './upstream-pool.ts';
import { openUpstreamRequest } from './upstream-request.ts';

export type ShadowOutcome =
  | { readonly ok: true; readonly captured: CapturedResponse; readonly latencyMs: number }
  | { readonly ok: false; readonly failure: 'timeout' | 'error'; readonly latencyMs: number };

export interface ShadowCall {
  readonly upstream: Upstream;
  readonly agent: Agent;
  readonly method: string;
  readonly rawPath: string;
  readonly headers: HeaderEntries;
  readonly body: Buffer;
  readonly timeoutMs: number;
  readonly capBytes: number;
}

export function sendShadowCopy(call: ShadowCall): Promise<ShadowOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: ShadowOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const fail = (failure: 'timeout' | 'error') => settle({ ok: false, failure, latencyMs: performance.now() - started });
    let req: ClientRequest;
    try {
      req = openUpstreamRequest(call);
    } catch {
      // request() throws synchronously on options it refuses (an agent of the wrong protocol,
      // a header value with a newline): a failed copy like any other, never a rejection. (No
      // timer yet, so settle directly.)
      resolve({ ok: false, failure: 'error', latencyMs: performance.now() - started });
      return;
    }
    const timer = setTimeout(() => {
      fail('timeout');
      req.destroy();
    }, call.timeoutMs);
    req.on('error', () => fail('error'));
    req.on('response', (res) => {
      const latencyMs = performance.now() - started;
      const body = createBodyCollector(call.capBytes, res.headers['content-length']);
      res.on('data', (chunk: Buffer) => {
        if (!body.add(chunk)) {
          // Enough to know it cannot be compared: stop reading a 10 MB answer we would discard.
          settle({ ok: true, captured: captureOf(res, Buffer.alloc(0), true), latencyMs });
          res.destroy();
          return;
        }
      });
      res.on('end', () => settle({ ok: true, captured: captureOf(res, body.bytes(), false), latencyMs }));
      res.on('error', () => fail('error'));
      res.on('aborted', () => fail('error'));
    });
    req.end(call.body.length ? call.body : undefined);
  });
}
