// Every failure the store reports to its callers, with a stable code for the admin API and logs.

export type StoreErrorCode =
  | 'STORE_URL'
  | 'STORE_UNREACHABLE'
  | 'STORE_MIGRATION'
  | 'STORE_BUSY'
  /** The disk (or the SQLite size limit, or PostgreSQL's disk) is full: nothing was written. */
  | 'STORE_FULL'
  /** The store refuses writes: a read-only data directory or mount, a PostgreSQL standby. */
  | 'STORE_READ_ONLY'
  /** The store's files are damaged (SQLite corrupt / not a database). */
  | 'STORE_CORRUPT'
  /** The operating system failed a read or write (SQLITE_IOERR, EIO). */
  | 'STORE_IO'
  /** Not the store this Ficus was using: deleted, replaced, emptied (see store-identity.ts). */
  | 'STORE_LOST'
  /** A store failure none of the above names; the message carries the engine's own words. */
  | 'STORE_FAILED'
  | 'DIFF_KEY_REQUIRED'
  | 'DIFF_KEY_INVALID'
  | 'AUDIT_INVALID'
  | 'AUDIT_HEAD_INVALID';

export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}
