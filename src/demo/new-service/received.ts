// A log of every request the new service received, in arrival order, recorded before any
// behaviour applies — so tests can prove, say, that no write reached it without a dry-run header.
import type http from 'node:http';

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  /** As Node parsed them: lowercased names, duplicates joined. */
  readonly headers: http.IncomingHttpHeaders;
}

export interface ReceivedLog {
  record(req: http.IncomingMessage): void;
  list(): ReceivedRequest[];
  clear(): void;
}

export function createReceivedLog(): ReceivedLog {
  let entries: ReceivedRequest[] = [];
  return {
    record: (req) => entries.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } }),
    list: () => [...entries],
    clear: () => {
      entries = [];
    },
  };
}
