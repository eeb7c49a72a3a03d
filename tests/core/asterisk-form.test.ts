// `OPTIONS *` (asterisk-form, RFC 9112 §3.2.4) asks about the server as a whole. The edge's app
// layer (@hono/node-server) cannot build a URL from `*` and answered an empty 400 before Ficus's own
// passes ran; the monolith never saw the request. It must reach legacy as sent, like any unmatched
// request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawExchange } from '../support/http/raw-http.ts';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { startRecordingUpstream, type RecordingUpstream } from '../support/upstreams/recording-upstream.ts';

describe('asterisk-form request target', () => {
  let legacy: RecordingUpstream;
  let h: TestFicus;
  beforeAll(async () => {
    legacy = await startRecordingUpstream();
    h = await startTestFicus({ upstreams: { legacy: { url: legacy.url } } });
  });
  afterAll(async () => {
    await h?.close();
    await legacy?.close();
  });

  it('passes `OPTIONS *` to legacy as `OPTIONS *` and relays its answer', async () => {
    const { text } = await rawExchange(h.proxyUrl, 'OPTIONS * HTTP/1.1\r\nHost: ehr.example\r\nConnection: close\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(legacy.requests.map((r) => r.requestLine)).toEqual(['OPTIONS * HTTP/1.1']);
  });
});
