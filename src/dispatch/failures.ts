// Every way an upstream call can fail, in one table: the code Ficus logs and counts, the status a
// client gets when nothing was sent yet, and the short public message. Bodies never carry
// internals (addresses, stack traces, upstream names): only the code and a request id.

export type FailureCode =
  | 'UPSTREAM_CONNECT_REFUSED'
  | 'UPSTREAM_CONNECT_TIMEOUT'
  | 'UPSTREAM_QUEUE_TIMEOUT'
  | 'UPSTREAM_HEADERS_TIMEOUT'
  | 'UPSTREAM_IDLE_TIMEOUT'
  | 'UPSTREAM_RESET'
  | 'UPSTREAM_UNRESOLVABLE'
  | 'UPSTREAM_TLS'
  | 'UPSTREAM_PROTOCOL'
  | 'UPSTREAM_ERROR'
  | 'REQUEST_BODY_TIMEOUT'
  /** The client closed its connection before the upstream answered: Ficus cut the upstream call. */
  | 'CLIENT_GONE';

interface FailureRow {
  /** 499 (nginx's "client closed request") is never sent, only logged: there is no one to send it to. */
  readonly status: 408 | 499 | 502 | 503 | 504;
  readonly message: string;
  /** True when the upstream provably never received the request (safe to replay even a write). */
  readonly neverReached: boolean;
  /** Counted as a timeout (not an error) in status classes. */
  readonly timeout: boolean;
  /** The client's doing: never replayed on legacy, never held against the new service's breaker. */
  readonly clientFault?: true;
}

export const FAILURES: Readonly<Record<FailureCode, FailureRow>> = {
  UPSTREAM_CONNECT_REFUSED: { status: 502, message: 'The upstream service refused the connection.', neverReached: true, timeout: false },
  UPSTREAM_CONNECT_TIMEOUT: { status: 504, message: 'The upstream service could not be reached in time.', neverReached: true, timeout: true },
  UPSTREAM_QUEUE_TIMEOUT: { status: 503, message: 'The upstream service is at its connection limit.', neverReached: true, timeout: true },
  UPSTREAM_HEADERS_TIMEOUT: { status: 504, message: 'The upstream service did not answer in time.', neverReached: false, timeout: true },
  UPSTREAM_IDLE_TIMEOUT: { status: 504, message: 'The upstream service stopped responding.', neverReached: false, timeout: true },
  UPSTREAM_RESET: { status: 502, message: 'The upstream service closed the connection.', neverReached: false, timeout: false },
  UPSTREAM_UNRESOLVABLE: { status: 502, message: 'The upstream service address could not be resolved.', neverReached: true, timeout: false },
  UPSTREAM_TLS: { status: 502, message: 'The secure connection to the upstream service failed.', neverReached: true, timeout: false },
  UPSTREAM_PROTOCOL: { status: 502, message: 'The upstream service sent an invalid response.', neverReached: false, timeout: false },
  UPSTREAM_ERROR: { status: 502, message: 'The upstream service failed.', neverReached: false, timeout: false },
  REQUEST_BODY_TIMEOUT: { status: 408, message: 'The request body stopped arriving.', neverReached: false, timeout: true, clientFault: true },
  CLIENT_GONE: { status: 499, message: 'The client closed the connection before the answer.', neverReached: false, timeout: false, clientFault: true },
};

export class UpstreamFailure extends Error {
  readonly code: FailureCode;
  constructor(code: FailureCode, options?: { cause?: unknown }) {
    super(FAILURES[code].message, options);
    this.name = 'UpstreamFailure';
    this.code = code;
  }
}

/** Maps a Node (or forwarding library) error to a failure code. */
export function classifyUpstreamError(error: unknown): UpstreamFailure {
  if (error instanceof UpstreamFailure) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const failure = (c: FailureCode) => new UpstreamFailure(c, { cause: error });
  if (code === 'ECONNREFUSED') return failure('UPSTREAM_CONNECT_REFUSED');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return failure('UPSTREAM_UNRESOLVABLE');
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return failure('UPSTREAM_RESET');
  if (code === 'ETIMEDOUT') return failure('UPSTREAM_CONNECT_TIMEOUT');
  if (code.startsWith('HPE_')) return failure('UPSTREAM_PROTOCOL');
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return failure('UPSTREAM_TLS');
  return failure('UPSTREAM_ERROR');
}

/** The short JSON body a client gets when Ficus answers for a failed upstream. */
export function failureBody(code: FailureCode, requestId: string): string {
  return JSON.stringify({ error: code.toLowerCase(), message: FAILURES[code].message, requestId });
}
