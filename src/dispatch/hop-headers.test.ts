// buildRequestHeaders alone: the one-pass rules that the fidelity and hostile-header suites prove
// end to end, here on the lists themselves.
import { describe, expect, it } from 'vitest';
import { buildRequestHeaders, type RequestHeaderOptions } from './hop-headers.ts';

const UNTRUSTED: RequestHeaderOptions = { forwarded: { remoteAddress: '10.0.0.9', protocol: 'http', trusted: false } };
const names = (entries: ReturnType<typeof buildRequestHeaders>) => entries.map(([name]) => name);

describe('buildRequestHeaders', () => {
  it('keeps interleaved repeats one entry per line, in order and case', () => {
    const out = buildRequestHeaders(['Host', 'h', 'X-A', '1', 'X-B', '2', 'x-a', '3', 'Cookie', 'a=1', 'Cookie', 'b=2'], UNTRUSTED);
    expect(out.slice(0, 6)).toEqual([['Host', 'h'], ['X-A', '1'], ['X-B', '2'], ['x-a', '3'], ['Cookie', 'a=1'], ['Cookie', 'b=2']]);
  });

  it('removes a field named by a Connection line that comes after it (one pass, filtered at the end)', () => {
    const out = buildRequestHeaders(['Host', 'h', 'X-Internal', 'secret', 'X-Keep', '1', 'Connection', 'close, X-Internal'], UNTRUSTED);
    expect(names(out)).toEqual(['Host', 'X-Keep', 'X-Forwarded-For', 'X-Forwarded-Proto', 'X-Forwarded-Host']);
  });

  it('removes a field named by a Connection line before it, spelled with an underscore', () => {
    const out = buildRequestHeaders(['Connection', 'keep-alive, X-Internal', 'Host', 'h', 'X_Internal', 'secret'], UNTRUSTED);
    expect(names(out)).toEqual(['Host', 'X-Forwarded-For', 'X-Forwarded-Proto', 'X-Forwarded-Host']);
  });

  it('never lets Connection remove an end-to-end field such as Host or Authorization', () => {
    const out = buildRequestHeaders(['Host', 'h', 'Authorization', 'Bearer t', 'Connection', 'Host, Authorization'], UNTRUSTED);
    expect(names(out).slice(0, 2)).toEqual(['Host', 'Authorization']);
  });

  it('keeps Connection and Upgrade on a handshake although Connection names Upgrade', () => {
    const out = buildRequestHeaders(['Host', 'h', 'Connection', 'Upgrade', 'Upgrade', 'websocket'], { ...UNTRUSTED, upgrade: true });
    expect(names(out).slice(0, 3)).toEqual(['Host', 'Connection', 'Upgrade']);
  });

  it('re-announces chunked framing where the client announced it, also when Connection names Transfer-Encoding', () => {
    expect(names(buildRequestHeaders(['Host', 'h', 'transfer-encoding', 'chunked', 'X-A', '1'], UNTRUSTED)).slice(0, 3)).toEqual(['Host', 'Transfer-Encoding', 'X-A']);
    expect(names(buildRequestHeaders(['Host', 'h', 'Transfer-Encoding', 'chunked', 'Connection', 'Transfer-Encoding, X-A', 'X-A', '1'], UNTRUSTED))).toContain('Transfer-Encoding');
  });
});
