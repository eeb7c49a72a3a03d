// Builds what a pass reads — a compiled route table, an upstream pool, a flag source evaluated by
// the Unleash SDK, a request — from real parts, so each pass is tested alone without a server.
// (Requests are real IncomingMessage objects on an unconnected socket: no peer address.)
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { routeSchema, upstreamSchema } from '../../config/route-schema.ts';
import type { RouteConfig, UpstreamConfig } from '../../config/load-routes.ts';
import { flagForMode } from '../../decision/flag-shape.ts';
import { createSnapshotFlagSource } from '../../decision/snapshot-flag-source.ts';
import { compileRouteTable } from '../../routing/route-table.ts';
import type { Mode } from '../../shared/words.ts';
import { openRequestExchange, type RequestExchange } from '../exchange.ts';
import type { EdgeState, HandlerDeps } from '../handler-deps.ts';
import { closeUpstreamPool, createUpstreamPool } from '../upstream-pool.ts';

/** A route as a route file would give it, defaults applied by the schema. */
export function routeConfig(spec: Record<string, unknown>): RouteConfig {
  return { ...routeSchema.parse({ new: 'new-service', flag: `ficus.${String(spec.id)}`, ...spec }), source: { file: 'routes/test.yaml', line: 1 } };
}

export function edgeState(routes: readonly RouteConfig[], upstreams: Record<string, Record<string, unknown>> = {}): EdgeState {
  const configs = new Map<string, UpstreamConfig>();
  const all = { legacy: { url: 'http://127.0.0.1:9' }, 'new-service': { url: 'http://127.0.0.1:9' }, ...upstreams };
  for (const [name, spec] of Object.entries(all)) configs.set(name, { ...upstreamSchema.parse(spec), name });
  return { table: compileRouteTable(routes), upstreams: createUpstreamPool(configs) };
}

export function closeEdgeState(state: EdgeState): void {
  closeUpstreamPool(state.upstreams);
}

/** A flag source with one flag per route in the given mode (100% for canary), evaluated by the SDK. */
export function flagsFor(modes: Record<string, Mode>): HandlerDeps['flags'] {
  const flags = createSnapshotFlagSource();
  flags.apply({ revision: 'r1', features: Object.entries(modes).map(([route, mode]) => flagForMode(`ficus.${route}`, mode, 100)), refreshedAtMs: 0 });
  return flags;
}

export function request(method: string, target: string, rawHeaders: readonly string[] = ['Host', 'ehr.example']): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.method = method;
  req.url = target;
  req.rawHeaders = [...rawHeaders];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    req.headers[name] = req.headers[name] === undefined ? rawHeaders[i + 1]! : `${String(req.headers[name])}, ${rawHeaders[i + 1]!}`;
  }
  return req;
}

const unused = (what: string) => () => {
  throw new Error(`${what} is not part of this pass`);
};

/** Deps for passes that never call an upstream: the forwarder throws if any pass reaches it. */
export function handlerDeps(state: EdgeState, overrides: Partial<HandlerDeps> = {}): HandlerDeps {
  return {
    state: () => state,
    flags: flagsFor({}),
    killSwitch: () => false,
    hashStickyKey: (key) => `hash(${key.length})`,
    forwarder: { forward: unused('forward'), forwardUpgrade: unused('forwardUpgrade'), close: () => {} },
    isTrustedProxy: () => false,
    protocol: 'http',
    newRequestId: () => 'req-1',
    observe: () => {},
    ...overrides,
  };
}

export function requestExchange(req: IncomingMessage, deps: HandlerDeps): RequestExchange {
  return openRequestExchange(req, new ServerResponse(req), deps);
}
