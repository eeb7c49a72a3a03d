#!/usr/bin/env node
// CLI entry and composition root: the only place that reads process.env and argv.
//   ficus start [--demo] [--legacy URL] [--port N] [--admin-port N] [--routes DIR] [--flags DIR] [--db URL] [--workers N|auto]
//   ficus routes | set | report | accept | check | audit | flags   (control plane, see src/cli/)
import { join } from 'node:path';
import { pino } from 'pino';
import { ConfigError } from './config/config-error.ts';
import { readSettings } from './config/env.ts';
import type { Settings } from './config/settings.ts';
import { startFicus, describeError, type Ficus } from './ficus.ts';
import { isoTimeCached } from './telemetry/log-time.ts';
import type { DemoSession } from './demo/console/start-demo-session.ts';

// http-proxy-3 reads FORCE_FETCH_PATH (its own test switch) from the environment on every call and
// then bypasses the agent Ficus renders each request's head through: every request waited for a
// socket that never came (503). Not an operator's setting; removed before any request (workers
// inherit this environment). See src/dispatch/proxy-adapter.ts.
delete process.env.FORCE_FETCH_PATH;

const [command = 'help', ...rest] = process.argv.slice(2);

if (command === 'start') {
  await start(rest);
} else if (command === 'help' || command === '--help' || command === '-h') {
  printHelp();
} else {
  const { runCli } = await import('./cli/run-cli.ts');
  process.exitCode = await runCli(command, rest, process.env, { stdout: process.stdout, stderr: process.stderr });
}

async function start(argv: string[]): Promise<void> {
  let settings: Settings;
  try {
    settings = readSettings(argv, process.env);
  } catch (error) {
    fail(error);
  }
  // The demo logs to a file under its data folder and keeps the terminal for the banner and a
  // live summary (src/demo/console); everything else logs JSON lines to stdout.
  const demo = settings.demo ? await openDemoSession(settings) : undefined;
  // Asynchronous stdout: under load, access-log lines coalesce into few writes instead of one
  // blocking syscall per request. Flushed synchronously on exit.
  const destination = demo ? undefined : pino.destination({ dest: 1, sync: false });
  const log = pino({ level: settings.logLevel, base: { service: 'ficus' }, timestamp: isoTimeCached }, demo?.logStream ?? destination);
  process.once('exit', () => (demo ? demo.stop() : destination?.flushSync()));
  const demoStops: (() => Promise<void>)[] = [];
  if (settings.demo) settings = await startDemoUpstreams(settings, demoStops);
  let ficus: Pick<Ficus, 'proxyUrl' | 'adminUrl' | 'drain'> & { workersLost?: Promise<void> };
  try {
    ficus = (settings.workers ?? 1) > 1
      ? await (await import('./cluster/start-cluster.ts')).startFicusCluster(settings, { log, workerLogFile: demo ? join(settings.dataDir, 'ficus.log') : undefined })
      : await startFicus(settings, { log });
  } catch (error) {
    await Promise.all(demoStops.map((stop) => stop()));
    demo?.stop();
    fail(error);
  }
  demo?.started(ficus, settings);
  let stopping = false;
  const stop = async (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    log.info({ event: 'signal', signal }, 'stopping');
    await ficus.drain();
    await Promise.all(demoStops.map((s) => s()));
    process.exit(exitCode);
  };
  // Every proxy worker slot given up: this instance can never serve again. Exit non-zero so the
  // supervisor (systemd, Kubernetes) restarts it instead of keeping a live process on a dead port.
  void ficus.workersLost?.then(() => stop('workers-lost', 1));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // A closed terminal (or `script`/`timeout` ending the session) drains like any stop.
  process.on('SIGHUP', () => void stop('SIGHUP'));
}

async function startDemoUpstreams(settings: Settings, stops: (() => Promise<void>)[]): Promise<Settings> {
  const { startLegacyDemo } = await import('./demo/legacy/server.ts');
  const { startNewServiceDemo } = await import('./demo/new-service/server.ts');
  const legacy = await startLegacyDemo({ port: Number(process.env.FICUS_DEMO_LEGACY_PORT ?? 9001) });
  const next = await startNewServiceDemo({ port: Number(process.env.FICUS_DEMO_NEW_PORT ?? 9002) });
  stops.push(legacy.close, next.close);
  const upstreamUrls: Record<string, string> = { 'ehr-next': next.url, ...settings.upstreamUrls, legacy: settings.upstreamUrls.legacy ?? legacy.url };
  return { ...settings, upstreamUrls };
}

async function openDemoSession(settings: Settings): Promise<DemoSession> {
  const { startDemoSession } = await import('./demo/console/start-demo-session.ts');
  const isTTY = process.stderr.isTTY === true;
  const fromEnv = Number(process.env.FICUS_DEMO_SUMMARY_INTERVAL_MS);
  return startDemoSession(settings, {
    terminal: { write: (text) => process.stderr.write(text), isTTY, columns: () => process.stderr.columns },
    // On a TTY the line is rewritten every second; a pipe or file gets a line at most every 10 s.
    summaryIntervalMs: Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : isTTY ? 1_000 : 10_000,
  });
}

function printHelp(): void {
  process.stdout.write(`ficus — strangler-fig edge proxy

  ficus start [--demo] [--legacy URL] [--port N] [--admin-port N] [--admin-host H]
              [--routes DIR] [--flags DIR] [--db URL] [--data-dir DIR] [--workers N|auto]
  ficus routes                         routes with mode, percent, evidence and readiness
  ficus set <route> <mode> [--percent N] --reason "..." [--force]
  ficus report <route>                 differences, noise suggestions, readiness reasons
  ficus accept <route> <pointer> <kind> --reason "..." [--revoke]
  ficus check [--routes DIR] [--flags DIR]   validate config offline
  ficus audit [verify [--expect-head SEQ:HASH]]
  ficus flags push|pull [--flags DIR]    move flags between flags/ and an Unleash server
  ficus tokens hash [TOKEN]            the sha256 to put in FICUS_ADMIN_TOKENS_FILE
  ficus tokens new <name> <viewer|operator>

Control-plane commands talk to the admin API: --admin URL (FICUS_ADMIN_URL) and --token (FICUS_ADMIN_TOKEN).
`);
}

function fail(error: unknown): never {
  const message = error instanceof ConfigError ? error.message : describeError(error);
  process.stderr.write(`ficus: cannot start: ${message}\n`);
  process.exit(1);
}
