// Listening on 127.0.0.1:0 and closing again, for every test server (upstreams, fake collectors).
import type http from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';

export function listenLoopback(server: http.Server | Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
}

export function closeServer(server: http.Server | Server): Promise<void> {
  return new Promise((resolve) => {
    (server as http.Server).closeAllConnections?.();
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

/** A port that was free a moment ago and has nothing listening on it now (connection refused). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  const url = await listenLoopback(server);
  await closeServer(server);
  return url;
}
