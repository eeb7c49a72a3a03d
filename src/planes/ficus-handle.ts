// The handle a running Ficus gives its caller (main, the demo, the tests), and how it is started.
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { Logger } from 'pino';
import type { Auditor } from '../admin/auditor.ts';
import type { TokenEntry } from '../admin/auth.ts';
import type { RoutesConfig } from '../config/load-routes.ts';
import type { FlagSource } from '../decision/flag-source.ts';
import type { Breaker } from '../dispatch/breaker.ts';
import type { Store } from '../store/open-store.ts';
import type { StoreHealth } from '../store/store-health.ts';
import type { ReloadResult } from './reloader.ts';

export interface Ficus {
  readonly proxyUrl: string;
  readonly adminUrl: string;
  readonly flags: FlagSource;
  readonly store: Store;
  readonly auditor: Auditor;
  readonly breaker: Breaker;
  readonly storeHealth: StoreHealth;
  /** The admin port's app (tests walk its registered routes against /api/openapi.json). */
  readonly adminApp: { readonly routes: readonly { readonly method: string; readonly path: string }[] };
  routes(): RoutesConfig;
  /**
   * The result of the next routes/ reload — call it before writing the files, then await it:
   * `const reloaded = ficus.nextReload(); writeFileSync(...); expect(await reloaded).toMatchObject({ outcome: 'reloaded' })`.
   */
  nextReload(): Promise<ReloadResult>;
  /** Told every routes/ reload's result, in order; returns the unsubscribe. */
  onReload(listener: (result: ReloadResult) => void): () => void;
  /** Writes buffered statistics and differences now (tests, shutdown). */
  flush(): Promise<void>;
  /** Stop accepting, let in-flight requests finish (up to drainMs), then close everything. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly log: Logger;
  readonly now?: () => Date;
  readonly random?: () => number;
  /** Extra admin tokens (tests); the settings' operator token and tokens file are always read. */
  readonly tokens?: readonly TokenEntry[];
  /** Tests: span processors replacing the exporters settings.telemetry names (e.g. an InMemorySpanExporter). */
  readonly spanProcessors?: readonly SpanProcessor[];
  /** Server mode: how often Unleash is polled (default 15 s; tests poll faster). */
  readonly unleashRefreshIntervalMs?: number;
  /** How often the store's health is checked (default 5 s; tests check faster). */
  readonly storeCheckIntervalMs?: number;
}
