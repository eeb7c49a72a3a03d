// Entry of a proxy worker process (forked by start-cluster.ts; never run by hand).
import cluster from 'node:cluster';
import { pino } from 'pino';
import { isoTimeCached } from '../telemetry/log-time.ts';
import { connectToPrimary } from './primary-channel.ts';
import { runProxyWorker } from './run-proxy-worker.ts';

// Only the primary stops a worker. Ctrl-C and a closed terminal reach the whole process group, and
// an orchestrator may signal every process of the group: the primary then drains every worker in
// order (a worker leaving on its own would be re-forked, and its last evidence lost).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});

const channel = connectToPrimary();
// A primary that dies while this worker starts (before it listens) leaves nobody to serve for:
// exit instead of waiting for an init that never comes. Once listening, losing it drains (below).
let listening = false;
channel.onLost(() => listening || process.exit(1));
// Cluster re-emits a failed write to a dead primary (EPIPE) on the worker: the disconnect above handles it.
cluster.worker?.on('error', () => {});
let flush: (() => void) | undefined;
await runProxyWorker({
  channel,
  onListening: () => (listening = true),
  logFor(settings, slot, logFile) {
    const destination = pino.destination({ dest: logFile ?? 1, sync: false, append: true });
    flush = () => destination.flushSync();
    return pino({ level: settings.logLevel, base: { service: 'ficus', worker: slot }, timestamp: isoTimeCached }, destination);
  },
});
flush?.();
process.exit(0);
