// Child-process entry for the integration test: runs a real unleash-server (the devDependency)
// with its configuration from the environment (DATABASE_URL, HTTP_PORT, INIT_*_API_TOKENS, ...),
// and prints "UNLEASH_LISTENING <port>" once it accepts requests.
import process from 'node:process';
import { start } from 'unleash-server';

const unleash = await start({
  server: { host: '127.0.0.1', port: Number(process.env.HTTP_PORT ?? 0), gracefulShutdownEnable: false },
  db: { ssl: false },
  logLevel: process.env.LOG_LEVEL ?? 'warn',
  versionCheck: { enable: false },
  sendTelemetry: false,
});
const address = unleash.server.address();
process.stdout.write(`UNLEASH_LISTENING ${typeof address === 'object' && address ? address.port : process.env.HTTP_PORT}\n`);
process.on('SIGTERM', () => {
  void unleash.stop().finally(() => process.exit(0));
});
