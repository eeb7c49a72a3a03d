// The legacy monolith and the new service of the corpus, as real HTTP servers on 127.0.0.1:0.
// Each answers a case's URL by rendering it afresh (per-call noise, shuffles); an unknown URL is a
// 404 so a routing mistake shows up as status differences, not as silence.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '../../../src/demo/shared/prng.ts';
import { CORPUS_EPOCH_MS } from './clinical-values.ts';
import type { Corpus } from './generate-corpus.ts';
import { createCallClock, renderLegacy, renderNew, type Rendered } from './render-response.ts';

export interface CorpusUpstreams {
  readonly legacyUrl: string;
  readonly newUrl: string;
  /** Calls each side answered, by the Ficus-Shadow header they carried ('' for client traffic). */
  readonly calls: { readonly legacy: Map<string, number>; readonly new: Map<string, number> };
  close(): Promise<void>;
}

export async function startCorpusUpstreams(corpus: Corpus): Promise<CorpusUpstreams> {
  const legacyRandom = seededRandom(`${corpus.seed}:legacy-calls`);
  const newRandom = seededRandom(`${corpus.seed}:new-calls`);
  const legacyClock = createCallClock(CORPUS_EPOCH_MS);
  const newClock = createCallClock(CORPUS_EPOCH_MS + 500);
  const calls = { legacy: new Map<string, number>(), new: new Map<string, number>() };
  const legacy = await serve((url) => {
    const found = corpus.byUrl.get(url);
    return found ? renderLegacy(found.route, found.base, legacyRandom, legacyClock) : undefined;
  }, calls.legacy);
  const next = await serve((url) => {
    const found = corpus.byUrl.get(url);
    return found ? renderNew(found.route, found.answer, newRandom, newClock) : undefined;
  }, calls.new);
  return {
    legacyUrl: legacy.url,
    newUrl: next.url,
    calls,
    close: async () => {
      await Promise.all([legacy.close(), next.close()]);
    },
  };
}

async function serve(render: (url: string) => Rendered | undefined, calls: Map<string, number>): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    const kind = String(req.headers['ficus-shadow'] ?? '');
    calls.set(kind, (calls.get(kind) ?? 0) + 1);
    req.resume();
    const rendered = render(req.url ?? '/') ?? { status: 404, headers: { 'content-type': 'application/json' }, body: '{"error":"no such case"}' };
    res.writeHead(rendered.status, { ...rendered.headers, 'content-length': Buffer.byteLength(rendered.body) });
    res.end(req.method === 'HEAD' ? undefined : rendered.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
