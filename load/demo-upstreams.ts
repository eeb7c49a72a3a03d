// The demo legacy monolith and demo new service in a process of their own (Node, not k6), for
// `LOAD_UPSTREAMS=separate scripts/load.sh …`. In `start --demo` they share Ficus's event loop, so
// every millisecond the demo spends building a response is a millisecond Ficus cannot proxy —
// and k6 reports it as latency Ficus added. Here Ficus is measured alone, as it is deployed.
//   node_modules/.bin/node load/demo-upstreams.ts   (ports from FICUS_DEMO_LEGACY_PORT / FICUS_DEMO_NEW_PORT, 0 = any)
import { startLegacyDemo } from '../src/demo/legacy/server.ts';
import { startNewServiceDemo } from '../src/demo/new-service/server.ts';

const legacy = await startLegacyDemo({ port: Number(process.env.FICUS_DEMO_LEGACY_PORT ?? 0) });
const next = await startNewServiceDemo({ port: Number(process.env.FICUS_DEMO_NEW_PORT ?? 0) });
console.log(JSON.stringify({ event: 'listening', legacyUrl: legacy.url, newUrl: next.url }));

async function stop(): Promise<void> {
  await Promise.all([legacy.close(), next.close()]);
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
