// The CLI's view of the admin API: fetch with the bearer token, `X-Ficus-Client: cli` (so the
// audit log says where a change came from), and every failure turned into one clear sentence.
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export class AdminError extends Error {
  readonly code: string;
  readonly status: number | undefined;
  readonly reasons: readonly string[];
  constructor(code: string, message: string, options: { status?: number; reasons?: readonly string[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AdminError';
    this.code = code;
    this.status = options.status;
    this.reasons = options.reasons ?? [];
  }
}

export interface AdminClient {
  get<T>(path: string): Promise<T>;
  send<T>(method: 'PUT' | 'POST', path: string, body: unknown): Promise<T>;
}

export function createAdminClient(options: { url: string; token: string | undefined; fetch?: typeof fetch }): AdminClient {
  const doFetch = options.fetch ?? fetch;
  const base = options.url.replace(/\/+$/, '');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          'x-ficus-client': 'cli',
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const inner = (error as { cause?: { code?: string; message?: string } }).cause;
      const cause = inner?.code ?? inner?.message ?? (error as Error).message;
      throw new AdminError('unreachable', `cannot reach the admin API at ${base} (${cause}); is Ficus running? Set --admin or FICUS_ADMIN_URL`, { cause: error });
    }
    const payload = (await response.json().catch(() => undefined)) as { error?: string; message?: string; reasons?: string[] } | undefined;
    if (response.ok) return payload as T;
    const message = payload?.message ?? response.statusText;
    if (response.status === 401) throw new AdminError('unauthorized', `401 unauthorized: ${options.token ? 'the token was not accepted' : 'no token given'} (set --token or FICUS_ADMIN_TOKEN)`, { status: 401 });
    if (response.status === 403) throw new AdminError('forbidden', `403 forbidden: ${message}`, { status: 403 });
    throw new AdminError(payload?.error ?? `http_${response.status}`, `${response.status} ${message}`, { status: response.status, reasons: payload?.reasons });
  };
  return {
    get: (path) => call('GET', path),
    send: (method, path, body) => call(method, path, body),
  };
}
