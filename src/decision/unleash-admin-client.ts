// The few Unleash Admin API calls Ficus makes (writer and `ficus flags push|pull`), over fetch.
// Every failure is one UnleashAdminError naming the method, path and status; no retries here:
// the control plane reports the failure and the operator flips again.
import { STICKINESS_FIELD } from './flag-shape.ts';

export class UnleashAdminError extends Error {
  readonly code = 'UNLEASH_ADMIN_FAILED';
  readonly status: number | undefined;
  constructor(message: string, status: number | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnleashAdminError';
    this.status = status;
  }
}

export interface AdminStrategy {
  readonly id?: string;
  readonly name: string;
  readonly parameters?: Record<string, string>;
  readonly constraints?: unknown[];
  readonly variants?: { name: string; weight: number; weightType: string; stickiness?: string; payload?: unknown }[];
  readonly segments?: number[];
}

export interface AdminFeatureEnvironment {
  readonly name: string;
  readonly enabled: boolean;
  readonly strategies: AdminStrategy[];
}

export interface AdminFeature {
  readonly name: string;
  readonly type?: string;
  readonly description?: string;
  readonly project?: string;
  readonly environments: AdminFeatureEnvironment[];
}

export interface UnleashAdminClient {
  request<T>(method: string, path: string, body?: unknown, okStatuses?: readonly number[]): Promise<{ status: number; body: T | undefined }>;
  /** Declares the stickiness field as a context field (Unleash refuses unknown stickiness otherwise). */
  ensureStickinessField(): Promise<void>;
}

/** `url` is the API base as the SDK takes it (…/api); trailing slashes and a trailing /api are tolerated. */
export function createUnleashAdminClient(deps: { readonly url: string; readonly token: string; readonly timeoutMs?: number }): UnleashAdminClient {
  const base = deps.url.replace(/\/+$/, '').replace(/\/api$/, '');
  const request = async <T>(method: string, path: string, body?: unknown, okStatuses: readonly number[] = []) => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { Authorization: deps.token, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new UnleashAdminError(`${method} ${path}: Unleash unreachable (${(error as Error).message})`, undefined, { cause: error });
    }
    const text = await response.text();
    if (!response.ok && !okStatuses.includes(response.status)) {
      throw new UnleashAdminError(`${method} ${path}: Unleash responded ${response.status} ${text.slice(0, 300)}`, response.status);
    }
    return { status: response.status, body: text ? (JSON.parse(text) as T) : undefined };
  };
  return {
    request,
    async ensureStickinessField() {
      const found = await request('GET', `/api/admin/context/${STICKINESS_FIELD}`, undefined, [404]);
      if (found.status !== 404) return;
      await request('POST', '/api/admin/context', {
        name: STICKINESS_FIELD,
        description: 'Ficus: hashed sticky key of a request (patient id hashed with the salt); canary stickiness.',
        stickiness: true,
        legalValues: [],
      }, [409]);
    },
  };
}
