// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went, per request: the hottest
// functions by self time, and the inclusive time of the parts of a request we can name (access log,
// metrics, header screening, route match, tracing…). Inclusive = every sample with the part
// anywhere on its stack, counted once per stack however deep the recursion; own = the samples whose
// innermost named frame is that part's (the parts' own columns add up to the total, with "other").

export interface CpuProfile {
  readonly nodes: readonly { readonly id: number; readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }; readonly children?: readonly number[] }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface Frame {
  readonly name: string;
  /** Microseconds of CPU per request. */
  readonly usPerRequest: number;
  readonly share: number;
}

export interface PartFrame extends Frame {
  /** Microseconds per request whose innermost named frame belongs to this part. */
  readonly ownUsPerRequest: number;
}

export interface ProfileSummary {
  readonly totalUsPerRequest: number;
  /** Sampled time with no JavaScript or native frame named (idle, GC is listed as "(garbage collector)"). */
  readonly idleShare: number;
  readonly selfTop: readonly Frame[];
  readonly parts: readonly PartFrame[];
}

/** The named parts of a request: a sample counts for a part when any frame on its stack matches. */
export interface Part {
  readonly name: string;
  readonly matches: (functionName: string, url: string) => boolean;
}

const shortUrl = (url: string): string => url.replace(/^file:\/\/.*?\/(src|node_modules)\//, '$1/').replace(/^node:/, 'node:');

/** Samples before the first one whose stack matches `startAt` are start-up (module loading), not requests. */
export function summariseProfile(profile: CpuProfile, requests: number, parts: readonly Part[], startAt: Part['matches'], top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<string, number>();
  const partUs = new Map<string, number>(parts.map((p) => [p.name, 0]));
  const ownUs = new Map<string, number>([...parts.map((p): [string, number] => [p.name, 0]), [OTHER, 0]]);
  const stackMatches = (id: number, matches: Part['matches']): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame && matches(frame.functionName, frame.url)) return true;
    }
    return false;
  };
  let busyUs = 0;
  let idleUs = 0;
  let started = false;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i + 1] ?? 0; // a sample's time is the gap to the next one
    const node = byId.get(id);
    if (!node) return;
    if (!started && !(started = stackMatches(id, startAt))) return;
    const name = node.callFrame.functionName;
    if (name === '(idle)' || name === '(program)' || name === '(root)') {
      idleUs += delta;
      return;
    }
    busyUs += delta;
    const key = `${name || '(anonymous)'} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
    const seen = new Set<string>();
    let innermost: string | undefined;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame) break;
      for (const part of parts) {
        if (seen.has(part.name) || !part.matches(frame.functionName, frame.url)) continue;
        seen.add(part.name);
        innermost ??= part.name;
      }
    }
    for (const name of seen) partUs.set(name, (partUs.get(name) ?? 0) + delta);
    ownUs.set(innermost ?? OTHER, (ownUs.get(innermost ?? OTHER) ?? 0) + delta);
  });
  const frame = (name: string, us: number): Frame => ({ name, usPerRequest: us / requests, share: busyUs ? us / busyUs : 0 });
  return {
    totalUsPerRequest: busyUs / requests,
    idleShare: idleUs / (idleUs + busyUs || 1),
    selfTop: [...selfUs.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => frame(name, us)),
    parts: [...ownUs.entries()].map(([name, own]) => ({ ...frame(name, partUs.get(name) ?? own), ownUsPerRequest: own / requests })),
  };
}

const OTHER = 'other (Node internals, timers, events outside the named parts)';

const inFile = (file: string) => (_: string, url: string) => url.endsWith(file);
const inFileFunction = (file: string, ...names: string[]) => (fn: string, url: string) => url.endsWith(file) && names.includes(fn);

/** What a pass-through request is made of, as far as Ficus's own code names it. */
export const REQUEST_PARTS: readonly Part[] = [
  { name: 'access log (entry + pino line)', matches: (fn, url) => url.includes('/pino/') || url.includes('/sonic-boom/') || url.endsWith('telemetry/access-log.ts') },
  { name: 'proxy metrics', matches: inFile('telemetry/proxy-metrics.ts') },
  { name: 'migration map (unmatched traffic)', matches: (_, url) => url.includes('/src/discovery/') },
  { name: 'trace context / spans', matches: (_, url) => url.endsWith('telemetry/trace-context-propagator.ts') || url.endsWith('telemetry/otel-tracing.ts') || url.includes('@opentelemetry') },
  { name: 'route match', matches: (_, url) => url.includes('/src/routing/') },
  { name: 'flag decision', matches: (_, url) => url.includes('/src/decision/') || url.includes('unleash-client') },
  { name: 'request screening', matches: inFile('dispatch/request-screen.ts') },
  { name: 'hop-by-hop headers + X-Forwarded', matches: inFile('dispatch/hop-headers.ts') },
  { name: 'forwarding adapter (forward.ts)', matches: inFile('dispatch/forward.ts') },
  { name: 'forwarding library (http-proxy)', matches: (_, url) => /\/http-proxy(-3)?\//.test(url) },
  { name: 'relay to client (relay.ts)', matches: inFile('dispatch/relay.ts') },
  { name: 'handle-request passes', matches: inFile('dispatch/handle-request.ts') },
  { name: 'Hono + @hono/node-server (edge app)', matches: (_, url) => url.includes('/hono/') || url.includes('/@hono/') },
  { name: 'statistics rollup (evidence)', matches: inFile('store/stats-rollup.ts') },
  { name: 'mirror + comparison', matches: (_, url) => url.endsWith('dispatch/mirror.ts') || url.includes('/src/compare/') },
  { name: 'Node HTTP server (parse, respond)', matches: (fn, url) => url === 'node:_http_server' || url === 'node:_http_common' || url === 'node:_http_outgoing' || inFileFunction('node:_http_incoming', 'IncomingMessage')(fn, url) },
  { name: 'Node HTTP client (upstream request)', matches: (_, url) => url === 'node:_http_client' || url === 'node:_http_agent' },
  { name: 'garbage collector', matches: (fn) => fn === '(garbage collector)' },
];

export function renderProfileSummary(summary: ProfileSummary, title: string): string {
  const rows = (frames: readonly Frame[]) => frames.map((f) => `| ${f.name} | ${f.usPerRequest.toFixed(1)} | ${(f.share * 100).toFixed(1)}% |`);
  const parts = [...summary.parts].sort((a, b) => b.ownUsPerRequest - a.ownUsPerRequest);
  return [
    `### ${title}`,
    '',
    `Sampled CPU ${summary.totalUsPerRequest.toFixed(1)} µs/req (JavaScript and native frames V8 saw; the kernel's socket work is not in a CPU profile). Idle ${(summary.idleShare * 100).toFixed(0)}% of samples.`,
    '',
    '| part of a request | own µs/req | own share | inclusive µs/req |',
    '|---|---|---|---|',
    ...parts.map((p) => `| ${p.name} | ${p.ownUsPerRequest.toFixed(1)} | ${((p.ownUsPerRequest / (summary.totalUsPerRequest || 1)) * 100).toFixed(1)}% | ${p.usPerRequest.toFixed(1)} |`),
    '',
    '| hottest functions (self) | µs/req | share |',
    '|---|---|---|',
    ...rows(summary.selfTop),
    '',
  ].join('\n');
}
