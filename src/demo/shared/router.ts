// A deliberately tiny router: an ordered table of (method, path pattern, handler). The demo servers
// need raw access to req/res (byte-exact HL7, streaming uploads, unnormalised URLs), so no framework.
import type http from 'node:http';

export type RouteParams = Readonly<Record<string, string>>;

export interface RouteContext {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly params: RouteParams;
  /** Parsed query of req.url; the path itself is matched as received (not normalised). */
  readonly query: URLSearchParams;
}

export interface Route {
  /** An HTTP method, or '*' for any. */
  readonly method: string;
  /** Matched against the raw path (req.url before '?'); named groups become params. */
  readonly path: RegExp;
  readonly handle: (context: RouteContext) => void | Promise<void>;
}

export type Fallback = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export function createRouter(routes: readonly Route[], notFound: Fallback): http.RequestListener {
  return function routeRequest(req, res) {
    const rawUrl = req.url ?? '/';
    const queryStart = rawUrl.indexOf('?');
    const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
    const query = new URLSearchParams(queryStart === -1 ? '' : rawUrl.slice(queryStart + 1));
    for (const route of routes) {
      if (route.method !== '*' && route.method !== req.method) continue;
      const match = route.path.exec(path);
      if (!match) continue;
      const params = decodeParams(match.groups ?? {});
      if (!params) break;
      Promise.resolve(route.handle({ req, res, params, query })).catch((error: unknown) => failRequest(res, error));
      return;
    }
    notFound(req, res);
  };
}

function decodeParams(groups: Record<string, string | undefined>): RouteParams | undefined {
  const params: Record<string, string> = {};
  try {
    for (const [name, value] of Object.entries(groups)) params[name] = decodeURIComponent(value ?? '');
  } catch {
    return undefined; // malformed percent-encoding: nothing can match it, answer 404
  }
  return params;
}

// A handler bug must not leave the client hanging: answer 500 if nothing was sent yet, else cut the
// connection so the client sees a truncated response instead of waiting forever.
function failRequest(res: http.ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy(error instanceof Error ? error : new Error(String(error)));
    return;
  }
  const tooLarge = (error as { code?: unknown } | null)?.code === 'BODY_TOO_LARGE';
  res.writeHead(tooLarge ? 413 : 500, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
  res.end(tooLarge ? 'request body too large\n' : 'internal error\n');
}
