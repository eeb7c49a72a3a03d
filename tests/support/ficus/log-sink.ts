// A pino logger writing parsed JSON lines into an array, so tests assert on what Ficus logged, and
// tell listeners of each line as it is written, so tests wait on a log event instead of polling.
import { Writable } from 'node:stream';
import { pino } from 'pino';

export type LogEntry = Record<string, unknown> & { event?: string; msg?: string; level?: number };

export interface LogSink {
  readonly logs: LogEntry[];
  readonly log: pino.Logger;
  /** Told every line from now on; returns the unsubscribe. */
  onEntry(listener: (entry: LogEntry) => void): () => void;
}

export function createLogSink(): LogSink {
  const logs: LogEntry[] = [];
  const listeners = new Set<(entry: LogEntry) => void>();
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        const entry = JSON.parse(line) as LogEntry;
        logs.push(entry);
        for (const listener of [...listeners]) listener(entry);
      }
      done();
    },
  });
  const log = pino({ level: 'debug', base: { service: 'ficus' } }, stream);
  return {
    logs,
    log,
    onEntry(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

/** The first line (already written or still to come) that matches; rejects after timeoutMs. */
export function nextLogEntry(sink: LogSink, predicate: (entry: LogEntry) => boolean, timeoutMs = 5_000): Promise<LogEntry> {
  const found = sink.logs.find(predicate);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for a log line'));
    }, timeoutMs);
    const off = sink.onEntry((entry) => {
      if (!predicate(entry)) return;
      clearTimeout(timer);
      off();
      resolve(entry);
    });
  });
}
