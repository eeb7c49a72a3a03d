// Starts Ficus in-process with its spans going to an InMemorySpanExporter (or the OTEL_* settings
// given), temp routes/ and flags/ folders, and a log array. One per test file at a time: the
// OpenTelemetry API holds one global tracer provider per process.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import type { Settings } from '../../src/config/settings.ts';
import { startFicus, type Ficus } from '../../src/ficus.ts';
import { flagsFileText, upstreamsYaml, type FlagSpec } from '../support/ficus/config-files.ts';
import { createLogSink, type LogEntry } from '../support/ficus/log-sink.ts';
import { waitFor } from '../support/wait-for.ts';
import { testSettings } from '../support/ficus/config-files.ts';

export interface TracedFicus {
  readonly ficus: Ficus;
  readonly spans: InMemorySpanExporter;
  readonly logs: LogEntry[];
  setFlags(flags: Readonly<Record<string, FlagSpec>>): Promise<void>;
  close(): Promise<void>;
}

export async function startTracedFicus(options: {
  readonly routes: string;
  /** Other files the route file names (a formulary), written beside it. */
  readonly routeFiles?: Readonly<Record<string, string>>;
  readonly upstreams: Readonly<Record<string, string>>;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  readonly settings?: Partial<Settings>;
  /** false: use the exporters settings.telemetry names instead of the in-memory one. */
  readonly inMemory?: boolean;
}): Promise<TracedFicus> {
  const root = mkdtempSync(join(tmpdir(), 'ficus-telemetry-'));
  const routesDir = join(root, 'routes');
  const flagsDir = join(root, 'flags');
  const dataDir = join(root, 'data');
  for (const d of [routesDir, flagsDir, dataDir]) mkdirSync(d);
  writeFileSync(join(routesDir, 'upstreams.yaml'), upstreamsYaml(Object.fromEntries(Object.entries(options.upstreams).map(([n, url]) => [n, { url }]))));
  writeFileSync(join(routesDir, 'routes.yaml'), options.routes);
  for (const [name, text] of Object.entries(options.routeFiles ?? {})) writeFileSync(join(routesDir, name), text);
  writeFileSync(join(flagsDir, 'features.json'), flagsFileText(options.flags));
  const spans = new InMemorySpanExporter();
  const { logs, log } = createLogSink();
  const ficus = await startFicus(testSettings({ routesDir, flagsDir, dataDir }, options.settings), {
    log,
    spanProcessors: options.inMemory === false ? undefined : [new SimpleSpanProcessor({ exporter: spans })],
  });
  return {
    ficus,
    spans,
    logs,
    async setFlags(flags) {
      const before = ficus.flags.revision();
      const text = flagsFileText(flags);
      if (readFileSync(join(flagsDir, 'features.json'), 'utf8') === text) return;
      writeFileSync(join(flagsDir, 'features.json'), text);
      await waitFor(() => ficus.flags.revision() !== before, 5_000, 'flags reload');
    },
    async close() {
      await ficus.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
