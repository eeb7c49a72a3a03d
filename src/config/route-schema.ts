// The shape of route files in routes/ (YAML). Validated strictly: an unknown key is an error,
// because a typo such as `stickyness:` silently doing nothing is how a canary leaks to every patient.
import { z } from 'zod';
import { compareConfigSchema } from '../compare/compare-config-schema.ts';
import { FACT_CATEGORIES } from '../compare/facts/extract-clinical-facts.ts';
import { rolloutPlanSchema } from '../rollout/rollout-plan.ts';

const ms = z.number().int().positive().max(3_600_000);

export const timeoutsSchema = z.strictObject({
  /** TCP (and TLS) connect to the upstream. */
  connectMs: ms.optional(),
  /** From sending the request to the upstream's response headers. */
  headersMs: ms.optional(),
  /** Socket inactivity while streaming either body. */
  idleMs: ms.optional(),
  /** Waiting for a free upstream connection (the pool is at maxSockets): then 503, replayable. */
  queueMs: ms.optional(),
  /** The client sending no byte of its request body: then 408. */
  bodyIdleMs: ms.optional(),
});

export const upstreamSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  /** Send the upstream's own host in Host instead of the client's (default: preserve). */
  rewriteHost: z.boolean().default(false),
  timeouts: timeoutsSchema.default({}),
  /** Keep-alive socket idle timeout; must be below the upstream's own keep-alive timeout. */
  keepAliveMs: ms.default(4_000),
  maxSockets: z.number().int().positive().default(256),
  /** Connections for requests still streaming a body (own pool, default 64): slow uploads never take the GETs' sockets. */
  maxUploadSockets: z.number().int().positive().optional(),
  tls: z
    .strictObject({
      ca: z.string().optional(),
      cert: z.string().optional(),
      key: z.string().optional(),
      servername: z.string().optional(),
    })
    .optional(),
});

const stickinessSchema = z.union([
  z.strictObject({ path: z.string().min(1) }),
  z.strictObject({ query: z.string().min(1) }),
  z.strictObject({ header: z.string().min(1) }),
  z.strictObject({ cookie: z.string().min(1) }),
]);

const methodSchema = z
  .string()
  .regex(/^[A-Z]+$/, 'must be an upper-case HTTP method such as GET')
  .or(z.literal('*'));

export const shadowSchema = z.strictObject({
  /** Own timeout for a mirrored call: a slow new service never holds anything of the client's. */
  timeoutMs: ms.default(5_000),
  /**
   * Mirrored calls in flight for this route; over it, copies are dropped and counted. 256 keeps
   * up with 100 concurrent client requests even when the new service is 2.5x slower than legacy
   * (32 dropped 66% of copies at 100 in flight): sampling is the operator's choice (compare.sample),
   * never a side effect of this default.
   */
  concurrency: z.number().int().positive().max(10_000).default(256),
  /** Request/response bytes kept for a copy and for comparison. */
  bodyCapBytes: z.number().int().positive().max(64 * 1024 * 1024).default(1024 * 1024),
  /** Writes are never mirrored unless the route opts into the dry-run contract. */
  writes: z.enum(['never', 'dry-run']).default('never'),
  /** In mode `new`: fraction of safe requests reverse-mirrored to legacy (legacy reads may have side effects). */
  reverseSample: z.number().min(0).max(1).default(0),
});

export const breakerSchema = z.strictObject({
  enabled: z.boolean().default(true),
  windowMs: ms.default(30_000),
  minRequests: z.number().int().positive().default(20),
  errorRate: z.number().gt(0).max(1).default(0.5),
  /** Trips on this many failures in a row, whatever the window says (0 = off): a sudden total outage trips in a second. */
  consecutiveFailures: z.number().int().nonnegative().default(5),
  /** How long the route stays on legacy before a trickle of probes. */
  openMs: ms.default(15_000),
  /** Fraction of requests sent to new while half-open. */
  probeRate: z.number().gt(0).max(1).default(0.05),
  /** Consecutive successful probes that restore the route. */
  probesToClose: z.number().int().positive().default(5),
});

export const readinessSchema = z.strictObject({
  minComparisons: z.number().int().nonnegative().default(100),
  maxMismatchRate: z.number().gt(0).max(1).default(0.001),
  latencyBudgetMs: z.number().nonnegative().default(50),
  /** Response header of the new service naming its version: evidence is kept, and judged, per version. */
  versionHeader: z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name').optional(),
  /** Fact categories held at zero tolerance: not ready while an unaccepted fact difference of one is in the evidence. */
  zero: z.array(z.enum(FACT_CATEGORIES)).optional(),
});

export const routeSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lower-case letters, digits, dot, dash or underscore'),
  description: z.string().optional(),
  match: z.strictObject({
    methods: z.array(methodSchema).min(1).default(['*']),
    path: z.string().startsWith('/', 'must start with /'),
  }),
  /** The upstream name of the new service this route may go to. */
  new: z.string().min(1),
  /** The Unleash flag that decides this route's mode. */
  flag: z.string().min(1),
  stickiness: stickinessSchema.optional(),
  timeouts: timeoutsSchema.default({}),
  /** Declares non-GET methods of this route free of side effects (e.g. FHIR POST _search). */
  safe: z.boolean().default(false),
  /** Per-request fallback to legacy when new fails before anything reached the client. */
  fallback: z.boolean().default(true),
  shadow: shadowSchema.default(shadowSchema.parse({})),
  /** Comparison rules (see src/compare/compare-config-schema.ts); compiled once per load. */
  compare: compareConfigSchema.default({}),
  readiness: readinessSchema.default(readinessSchema.parse({})),
  /** The autopilot's plan for this route (see src/rollout/rollout-plan.ts); started from the API or CLI. */
  rollout: rolloutPlanSchema.optional(),
  breaker: breakerSchema.default(breakerSchema.parse({})),
});

export const routeFileSchema = z.strictObject({
  upstreams: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'upstream names are lower-case letters, digits, - or _'), upstreamSchema).optional(),
  routes: z.array(routeSchema).optional(),
});

export type UpstreamSpec = z.infer<typeof upstreamSchema>;
export type RouteSpec = z.infer<typeof routeSchema>;
export type RouteFile = z.infer<typeof routeFileSchema>;
export type Timeouts = z.infer<typeof timeoutsSchema>;
export type ShadowSpec = z.infer<typeof shadowSchema>;
export type BreakerSpec = z.infer<typeof breakerSchema>;
