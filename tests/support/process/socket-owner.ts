// Which process holds one end of a loopback TCP connection, read from Linux's /proc: the socket
// whose local port is `localPort` (from /proc/net/tcp) and the process among `pids` with a file
// descriptor on it. Lets a test kill exactly the proxy worker that is serving a given request
// (the upstream sees the worker's local port as the request's remote port).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export function socketInode(localPort: number): string | undefined {
  const hex = localPort.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hex}`)) return cols[9];
    }
  }
  return undefined;
}

/** The pid among `pids` owning the socket bound to `localPort`, or undefined. */
export function pidOwningLocalPort(localPort: number, pids: readonly number[]): number | undefined {
  const inode = socketInode(localPort);
  if (!inode) return undefined;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return pid;
      } catch {
        // closed between the listing and the read
      }
    }
  }
  return undefined;
}
