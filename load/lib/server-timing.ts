// Parses the Server-Timing header Ficus puts on every proxied response:
//   Server-Timing: upstream;dur=3.2, ficus;desc=shadow
// (W3C Server Timing: comma-separated metrics, each `name` then `;param=value`, values optionally quoted.)

export interface FicusTiming {
  /** Upstream time to response headers, in ms; undefined when the header did not carry it. */
  readonly upstreamMs: number | undefined;
  /** The mode Ficus served the request in (legacy / shadow / canary / new), or 'unknown'. */
  readonly mode: string;
}

export function parseServerTiming(header: string | undefined): FicusTiming {
  let upstreamMs: number | undefined;
  let mode = 'unknown';
  for (const metric of (header ?? '').split(',')) {
    const [rawName = '', ...params] = metric.split(';');
    const name = rawName.trim().toLowerCase();
    const values = paramsOf(params);
    if (name === 'upstream' && values.dur !== undefined) {
      const dur = Number(values.dur);
      if (Number.isFinite(dur)) upstreamMs = dur;
    }
    if (name === 'ficus' && values.desc) mode = values.desc;
  }
  return { upstreamMs, mode };
}

function paramsOf(params: string[]): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    const key = param.slice(0, eq).trim().toLowerCase();
    values[key] = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return values;
}
