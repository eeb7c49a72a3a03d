// Starting and stopping a demo upstream. Both demo servers share this so tests can rely on one
// contract: port 0 works, the URL is ready to use, and close() also ends idle keep-alive sockets
// (otherwise server.close() waits for clients that never hang up, and test runs stall).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DemoServerHandle {
  readonly url: string;
  readonly server: http.Server;
  close(): Promise<void>;
}

export interface ListenOptions {
  readonly port?: number;
  readonly host?: string;
}

export async function listen(server: http.Server, { port = 0, host = '127.0.0.1' }: ListenOptions): Promise<DemoServerHandle> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostInUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostInUrl}:${address.port}`,
    server,
    close: () => closeServer(server),
  };
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING' ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
