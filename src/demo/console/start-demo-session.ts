// Everything `npm start` adds around a running Ficus: its own state folder (flags seeded from the
// checkout's flags/), the full log in a file there, and a terminal that keeps the banner readable —
// warnings and errors as lines, traffic as one live summary line instead of an access-log flood.
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pino, type DestinationStream, type Level } from 'pino';
import type { Settings } from '../../config/settings.ts';
import { createDemoConsole, type DemoConsole } from './demo-console.ts';
import { removeDemoPidFile, writeDemoPidFile } from './demo-pid-file.ts';
import { seedDemoFlags, type SeedOutcome } from './seed-demo-flags.ts';
import { watchTraffic, type TrafficWatch } from './watch-traffic.ts';

export interface DemoTerminal {
  readonly write: (text: string) => unknown;
  readonly isTTY: boolean;
  readonly columns?: () => number | undefined;
}

export interface DemoSessionOptions {
  readonly terminal: DemoTerminal;
  /** How often the summary line is refreshed (TTY) or may be printed (not a TTY). */
  readonly summaryIntervalMs: number;
}

export interface DemoSession {
  /** Where pino writes: everything to the log file, warnings and errors to the terminal too. */
  readonly logStream: DestinationStream;
  readonly logFile: string;
  /** Prints the banner and starts the summary line once Ficus is listening (settings with the demo upstreams). */
  started(urls: { readonly proxyUrl: string; readonly adminUrl: string }, running: Settings): void;
  /** Stops the summary, flushes the log file, removes the pid file. */
  stop(): void;
}

export async function startDemoSession(settings: Settings, { terminal, summaryIntervalMs }: DemoSessionOptions): Promise<DemoSession> {
  mkdirSync(settings.dataDir, { recursive: true });
  const seeded: SeedOutcome | undefined = settings.flagsSeedDir ? await seedDemoFlags(settings.flagsSeedDir, settings.flagsDir) : undefined;
  const logFile = join(settings.dataDir, 'ficus.log');
  const file = pino.destination({ dest: logFile, sync: false, mkdir: true });
  const demoConsole = createDemoConsole({ out: { write: terminal.write }, isTTY: terminal.isTTY, columns: terminal.columns });
  const streams: pino.StreamEntry<Level>[] = [{ level: 'warn', stream: terminalLogStream(demoConsole) }];
  if (settings.logLevel !== 'silent') streams.unshift({ level: settings.logLevel, stream: file });
  writeDemoPidFile(settings.dataDir);
  let watch: TrafficWatch | undefined;

  return {
    logStream: pino.multistream(streams),
    logFile,
    started({ proxyUrl, adminUrl }, running) {
      for (const line of bannerLines(running, { proxyUrl, adminUrl, logFile, seeded })) demoConsole.printLine(line);
      watch = watchTraffic({
        metricsUrl: `${adminUrl}/metrics`,
        intervalMs: summaryIntervalMs,
        onlyOnChange: !terminal.isTTY,
        onLine: (line) => demoConsole.setStatus(line),
      });
    },
    stop() {
      watch?.stop();
      demoConsole.stop();
      try {
        file.flushSync();
      } catch {
        // the file was never opened (a start that failed at once): nothing to flush
      }
      removeDemoPidFile(settings.dataDir);
    },
  };
}

/**
 * Warnings the demo causes on purpose, kept in the log file only: the demo's data is synthetic, so
 * its difference key beside its store (data/demo/diff-key) is the intended setup, not a risk.
 */
const EXPECTED_IN_DEMO = new Set(['diff-key']);

/** pino's JSON lines at warn and above, as short readable lines between banner and summary. */
function terminalLogStream(demoConsole: DemoConsole): DestinationStream {
  const names: Record<number, string> = { 40: 'warn ', 50: 'error', 60: 'fatal' };
  return {
    write(line: string) {
      try {
        const entry = JSON.parse(line) as { level: number; msg?: string; event?: string; error?: string };
        if (entry.level < 50 && entry.event && EXPECTED_IN_DEMO.has(entry.event)) return;
        const detail = [entry.event, entry.error].filter(Boolean).join(': ');
        demoConsole.printLine(`${names[entry.level] ?? 'log  '} ${entry.msg ?? ''}${detail ? ` (${detail})` : ''}`);
      } catch {
        demoConsole.printLine(line.trimEnd());
      }
    },
  };
}

interface BannerFacts {
  readonly proxyUrl: string;
  readonly adminUrl: string;
  readonly logFile: string;
  readonly seeded: SeedOutcome | undefined;
}

function bannerLines(settings: Settings, { proxyUrl, adminUrl, logFile, seeded }: BannerFacts): string[] {
  const here = (path: string) => (relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path) || '.');
  const flagsNote = seeded === 'seeded' ? ` (copied from ${here(settings.flagsSeedDir!)})` : seeded === 'kept' ? ' (kept from the last run)' : '';
  return [
    '',
    `Ficus demo is running (Node ${process.version})`,
    `  proxy            ${proxyUrl}        e.g. curl ${proxyUrl}/fhir/Patient/pat-0001`,
    `  admin API        ${adminUrl}        token: ${settings.adminToken === 'demo-operator-token' ? 'demo-operator-token (demo only)' : '(from FICUS_ADMIN_TOKEN)'}`,
    `  dashboard        ${adminUrl}/_ficus/`,
    `  legacy monolith  ${settings.upstreamUrls.legacy}`,
    `  new service      ${settings.upstreamUrls['ehr-next']}`,
    `  routes ${here(settings.routesDir)}   flags ${here(settings.flagsDir)}${flagsNote}`,
    `  store ${settings.databaseUrl.replace(/\/\/[^@]*@/, '//***@')}`,
    `  log ${here(logFile)} (every request; warnings also here)   start over: npm run demo:reset`,
    '',
  ];
}
