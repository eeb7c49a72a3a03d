// A pino logger writing parsed JSON lines into an array, so tests assert on what Ficus logged.
import { Writable } from 'node:stream';
import { pino } from 'pino';

export type LogEntry = Record<string, unknown> & { event?: string; msg?: string; level?: number };

export function createLogSink(): { logs: LogEntry[]; log: pino.Logger } {
  const logs: LogEntry[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) logs.push(JSON.parse(line) as LogEntry);
      }
      done();
    },
  });
  const log = pino({ level: 'debug', base: { service: 'ficus' } }, stream);
  return { logs, log };
}
