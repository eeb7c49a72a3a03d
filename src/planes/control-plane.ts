// The control plane: the admin API and dashboard on the admin port (with /metrics and the health
// probes), the autopilot, and the daily retention purge. It runs once per instance (the primary, in
// a `--workers` setup): one audit chain, one autopilot lease holder.
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { createAdaptorServer } from '@hono/node-server';
import type { Logger } from 'pino';
import type { TokenEntry } from '../admin/auth.ts';
import { createAdminApp } from '../admin/create-admin-app.ts';
import { schedulePurges } from '../admin/retention.ts';
import { describeError } from '../config/describe-error.ts';
import type { RouteConfig } from '../config/load-routes.ts';
import type { Settings } from '../config/settings.ts';
import type { MigrationMap } from '../discovery/create-migration-map.ts';
import type { Breaker } from '../dispatch/breaker.ts';
import { createTrustedProxyCheck } from '../dispatch/trusted-proxies.ts';
import { startAutopilot } from '../rollout/start-autopilot.ts';
import { renderStoreMetrics } from '../store/render-store-metrics.ts';
import type { MetricSnapshot } from '../telemetry/proxy-metrics.ts';
import { PROMETHEUS_CONTENT_TYPE } from '../telemetry/proxy-metrics.ts';
import type { FlagPlane } from './flag-plane.ts';
import type { StorePlane } from './store-plane.ts';
import type { EmitEvent } from './events.ts';

export interface ControlPlaneDeps {
  readonly settings: Pick<Settings, 'adminToken' | 'trustedProxies' | 'autopilotTickMs' | 'differenceRetentionDays' | 'auditRetentionYears'>;
  readonly log: Logger;
  readonly emit: EmitEvent;
  readonly now: () => Date;
  /** Tokens from the tokens file and the tests; the settings' operator token is added here. */
  readonly tokens: readonly TokenEntry[];
  readonly store: StorePlane;
  readonly flags: FlagPlane;
  routes(): readonly RouteConfig[];
  readonly breaker: Pick<Breaker, 'state'>;
  writeMirroringStopped(route: string): boolean;
  readonly map: MigrationMap;
  /** The proxy's metrics in Prometheus text; the store's are appended here. */
  renderMetrics(): string;
  draining(): boolean;
  configError(): string | undefined;
  /** Under `--workers`: proxy workers listening now and asked for (none listening: not ready). */
  workers?(): { serving: number; configured: number };
}

export interface ControlPlane {
  readonly app: ReturnType<typeof createAdminApp>;
  readonly server: Server;
  /** The autopilot's series for /metrics. */
  metrics(): MetricSnapshot[];
  /** Stops the autopilot and the purge timer (first thing on close). */
  stop(): Promise<void>;
}

export function startControlPlane(deps: ControlPlaneDeps): ControlPlane {
  const { settings, log, emit, now, store, flags } = deps;
  const purges = schedulePurges({
    db: store.store.db, now, policy: settings,
    onResult: (result) => emit({ type: 'retention-purge', audit: result.audit, differences: result.differences, stats: result.stats }),
    onError: store.failed('retention-purge-failed', 'retention purge failed'),
  });
  const autopilot = startAutopilot({
    db: store.store.db, holder: `${hostname()}:${process.pid}`, tickMs: settings.autopilotTickMs ?? 15_000, now,
    routes: deps.routes, writer: flags.writer, breakerState: (route) => deps.breaker.state(route),
    audit: (input) => store.auditor.append(input),
    onDecision: (route, action) => { if (action.action !== 'hold' && action.action !== 'none') emit({ type: 'rollout-decision', route, action: action.action, reason: action.reason }); },
    onError: (error) => emit({ type: 'autopilot-failed', error: describeError(error) }),
  });
  const app = createAdminApp({
    tokens: deps.tokens,
    operatorToken: settings.adminToken,
    metrics: { render: () => deps.renderMetrics() + renderStoreMetrics(store.health.snapshot(), now().getTime()), contentType: PROMETHEUS_CONTENT_TYPE },
    health: {
      draining: deps.draining,
      flagsReady: () => flags.flags.isReady(),
      flagsAgeSeconds: flags.ageSeconds,
      store: () => store.health.snapshot(),
      configError: deps.configError,
      ...(deps.workers ? { workers: deps.workers } : {}),
    },
    errors: { reportStoreFailure: (error) => store.health.report(error), limiter: store.logLimiter, log: (entry, message) => log.error(entry, message) },
    db: store.store.db, flags: flags.flags, killSwitch: flags.killSwitch, now, writer: flags.writer, auditor: store.auditor,
    routes: deps.routes,
    writeMirroringStopped: deps.writeMirroringStopped,
    breakerState: (route) => deps.breaker.state(route),
    rollouts: autopilot.controller,
    map: deps.map,
    isTrustedProxy: createTrustedProxyCheck(settings.trustedProxies),
  });
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
  return {
    app,
    server,
    metrics: () => autopilot.metrics(),
    async stop() {
      purges.stop();
      await autopilot.stop();
    },
  };
}
