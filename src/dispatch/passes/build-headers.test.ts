import { afterAll, describe, expect, it } from 'vitest';
import { openUpgradeExchange } from '../exchange.ts';
import { buildHeaders } from './build-headers.ts';
import { closeEdgeState, edgeState, handlerDeps, request, requestExchange } from './exchange.test-kit.ts';
import { Socket } from 'node:net';

// legacy rewrites Host to its own: a request keeps the client's (each call sets its own upstream's),
// an upgrade — one call only — carries legacy's.
const state = edgeState([], { legacy: { url: 'http://legacy.internal:8080', rewriteHost: true } });
afterAll(() => closeEdgeState(state));

const HANDSHAKE = ['Host', 'ehr.example', 'Connection', 'Upgrade', 'Upgrade', 'websocket', 'Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ==', 'Baggage', 'mrn=123', 'X-Trace', 'a'];

describe('buildHeaders pass', () => {
  it('keeps the client\'s Host on a request, whatever its upstream rewrites (a replay or a copy may go elsewhere)', () => {
    const deps = handlerDeps(state, { dropRequestHeaders: new Set(['baggage']) });
    const exchange = requestExchange(request('GET', '/x', HANDSHAKE), deps);
    expect(buildHeaders(exchange, deps)).toBe('next');
    const names = exchange.headers.map(([name]) => name);
    expect(exchange.headers).toContainEqual(['Host', 'ehr.example']);
    // Hop-by-hop fields and the configured inbound names are gone; the rest keep the client's case.
    expect(names).not.toContain('Connection');
    expect(names).not.toContain('Upgrade');
    expect(names).not.toContain('Baggage');
    expect(names).toContain('X-Trace');
    expect(names).toContain('X-Forwarded-For');
  });

  it('gives an upgrade its upstream\'s Host and keeps Connection and Upgrade for the handshake', () => {
    const deps = handlerDeps(state, { dropRequestHeaders: new Set(['baggage']) });
    const req = request('GET', '/ws', HANDSHAKE);
    const exchange = openUpgradeExchange(req, new Socket(), Buffer.alloc(0), deps);
    buildHeaders(exchange, deps);
    expect(exchange.headers).toContainEqual(['Host', 'legacy.internal:8080']);
    expect(exchange.headers).toContainEqual(['Connection', 'Upgrade']);
    expect(exchange.headers).toContainEqual(['Upgrade', 'websocket']);
    expect(exchange.headers.map(([name]) => name)).not.toContain('Baggage');
  });

  it('states the scheme Ficus was reached by and never trusts a client\'s X-Forwarded-* from an untrusted peer', () => {
    const deps = handlerDeps(state, { protocol: 'https' });
    const exchange = requestExchange(request('GET', '/x', ['Host', 'ehr.example', 'X-Forwarded-Proto', 'http', 'X-Forwarded-For', '10.9.9.9']), deps);
    buildHeaders(exchange, deps);
    expect(exchange.headers).toContainEqual(['X-Forwarded-Proto', 'https']);
    expect(exchange.headers.find(([name]) => name === 'X-Forwarded-For')?.[1]).not.toContain('10.9.9.9');
  });
});
