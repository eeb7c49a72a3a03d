// Every failure the store reports to its callers, with a stable code for the admin API and logs.

export type StoreErrorCode =
  | 'STORE_URL'
  | 'STORE_UNREACHABLE'
  | 'STORE_MIGRATION'
  | 'STORE_BUSY'
  | 'DIFF_KEY_REQUIRED'
  | 'DIFF_KEY_INVALID'
  | 'AUDIT_INVALID';

export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}
