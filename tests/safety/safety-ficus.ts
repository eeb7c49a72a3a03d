// A Ficus for the safety tests: like the shared harness, but the test writes the upstreams YAML
// itself (TLS options, odd timeouts) and may inject the clock and randomness startFicus takes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Settings } from '../../src/config/settings.ts';
import { startFicus, type Ficus } from '../../src/ficus.ts';
import type { RouteSummary } from '../../src/admin/route-report.ts';
import { flagsFileText, testSettings, type FlagSpec } from '../support/ficus/config-files.ts';
import { createLogSink, type LogEntry } from '../support/ficus/log-sink.ts';
import { waitFor } from '../support/wait-for.ts';

export interface SafetyFicusOptions {
  readonly upstreams: string;
  readonly routes: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  readonly settings?: Partial<Settings>;
  readonly now?: () => Date;
  readonly random?: () => number;
}

export interface SafetyFicus {
  readonly ficus: Ficus;
  readonly proxyUrl: string;
  readonly logs: LogEntry[];
  readonly root: string;
  readonly flagsDir: string;
  /** GET /api/routes, after flushing statistics. */
  routeSummary(id: string): Promise<RouteSummary>;
  /** Access log lines (event 'request'), oldest first. */
  requests(): LogEntry[];
  close(): Promise<void>;
}

export async function startSafetyFicus(options: SafetyFicusOptions): Promise<SafetyFicus> {
  const root = mkdtempSync(join(tmpdir(), 'ficus-safety-'));
  const routesDir = join(root, 'routes');
  const flagsDir = join(root, 'flags');
  const dataDir = join(root, 'data');
  for (const d of [routesDir, flagsDir, dataDir]) mkdirSync(d);
  writeFileSync(join(routesDir, 'upstreams.yaml'), options.upstreams);
  writeFileSync(join(routesDir, 'routes.yaml'), options.routes);
  writeFileSync(join(flagsDir, 'features.json'), flagsFileText(options.flags));
  const { logs, log } = createLogSink();
  let ficus: Ficus;
  try {
    ficus = await startFicus(testSettings({ routesDir, flagsDir, dataDir }, options.settings), { log, now: options.now, random: options.random });
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    ficus,
    proxyUrl: ficus.proxyUrl,
    logs,
    root,
    flagsDir,
    async routeSummary(id) {
      await ficus.flush();
      const res = await fetch(`${ficus.adminUrl}/api/routes`, { headers: { authorization: 'Bearer test-token' } });
      const body = (await res.json()) as { routes: RouteSummary[] };
      return body.routes.find((r) => r.id === id)!;
    },
    requests: () => logs.filter((l) => l.event === 'request'),
    async close() {
      await ficus.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Waits (bounded) until the access log holds `count` request lines; returns the last one. */
export async function lastRequestLog(logs: readonly LogEntry[], count: number): Promise<LogEntry> {
  return waitFor(() => {
    const lines = logs.filter((l) => l.event === 'request');
    return lines.length >= count ? lines[count - 1] : undefined;
  }, 5_000, `access log line ${count}`);
}

/** A port that was free a moment ago and has nothing listening on it now (connection refused). */
export async function closedPortUrl(): Promise<string> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as import('node:net').AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
