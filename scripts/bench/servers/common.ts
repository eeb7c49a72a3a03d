// What the baseline servers share: the upstream agent and how they tell the bench their port.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Below the upstream nginx's keepalive_timeout (75 s), so Node never reuses a socket nginx is
 * about to close (the ECONNRESET race in PITFALLS.md).
 */
const UPSTREAM_IDLE_MS = 60_000;

export function keepAliveAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, timeout: UPSTREAM_IDLE_MS, maxSockets: 256 });
}

/** Listens on an ephemeral loopback port and prints one JSON line the bench waits for. */
export function listenAndAnnounce(server: http.Server, facts: Record<string, string> = {}): void {
  server.keepAliveTimeout = 75_000;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    console.log(JSON.stringify({ event: 'listening', port, ...facts }));
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
