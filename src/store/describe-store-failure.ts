// Names what went wrong with the store in an operator's words, from whatever the engine threw:
// node:sqlite's result codes, PostgreSQL's SQLSTATEs, socket errno codes. Without this, a full
// disk was logged as "cannot rollback" and a stopped PostgreSQL as a raw 500 with a stack trace.
import { StoreError, type StoreErrorCode } from './store-error.ts';

export interface StoreFailure {
  readonly code: StoreErrorCode;
  /** One line for logs: the diagnosis, then the engine's own words. May name hosts and paths. */
  readonly message: string;
}

/** What an API client may be told: no hosts, ports, paths or SQL. */
export const STORE_FAILURE_SUMMARY: Readonly<Partial<Record<StoreErrorCode, string>>> = {
  STORE_UNREACHABLE: 'the store is unreachable',
  STORE_BUSY: 'the store is locked by another writer',
  STORE_FULL: "the store's disk is full",
  STORE_READ_ONLY: 'the store refuses writes (read-only)',
  STORE_CORRUPT: "the store's files are damaged",
  STORE_IO: 'the store had an I/O error',
  STORE_LOST: 'the store is not the one this Ficus was using (deleted or replaced)',
  STORE_MIGRATION: 'the store schema could not be migrated',
  STORE_FAILED: 'the store failed',
};

// SQLite primary result codes (errcode & 0xff).
const SQLITE: Readonly<Record<number, [StoreErrorCode, string]>> = {
  5: ['STORE_BUSY', 'the SQLite store is locked by another writer'],
  6: ['STORE_BUSY', 'the SQLite store is locked by another writer'],
  8: ['STORE_READ_ONLY', 'the SQLite store is read-only (check the data directory and its mount)'],
  10: ['STORE_IO', 'the operating system failed a read or write of the SQLite store'],
  11: ['STORE_CORRUPT', "the SQLite store's file is damaged"],
  13: ['STORE_FULL', 'the disk holding the SQLite store is full (or its size limit is reached); nothing was written'],
  14: ['STORE_UNREACHABLE', "cannot open the SQLite store's files (data directory missing, read-only or not ours)"],
  26: ['STORE_CORRUPT', 'the SQLite store path holds something that is not a database'],
};

const ERRNO: Readonly<Record<string, [StoreErrorCode, string]>> = {
  ENOSPC: ['STORE_FULL', 'the disk holding the store is full'],
  EDQUOT: ['STORE_FULL', 'the disk quota of the store is exhausted'],
  EROFS: ['STORE_READ_ONLY', 'the store lives on a read-only file system'],
  EACCES: ['STORE_READ_ONLY', 'the store may not be written (permissions)'],
  EPERM: ['STORE_READ_ONLY', 'the store may not be written (permissions)'],
  EIO: ['STORE_IO', 'the operating system failed a read or write of the store'],
  ECONNREFUSED: ['STORE_UNREACHABLE', 'PostgreSQL refuses connections (down or restarting)'],
  ECONNRESET: ['STORE_UNREACHABLE', 'PostgreSQL closed the connection'],
  ETIMEDOUT: ['STORE_UNREACHABLE', 'PostgreSQL did not answer in time'],
  EHOSTUNREACH: ['STORE_UNREACHABLE', "PostgreSQL's host is unreachable"],
  ENETUNREACH: ['STORE_UNREACHABLE', "PostgreSQL's network is unreachable"],
  ENOTFOUND: ['STORE_UNREACHABLE', "PostgreSQL's host name does not resolve"],
  EAI_AGAIN: ['STORE_UNREACHABLE', "PostgreSQL's host name does not resolve (yet)"],
};

/** PostgreSQL SQLSTATEs, exact first, then by class (first two characters). */
const SQLSTATE: Readonly<Record<string, [StoreErrorCode, string]>> = {
  '53100': ['STORE_FULL', "PostgreSQL's disk is full"],
  '25006': ['STORE_READ_ONLY', 'PostgreSQL accepts only reads (a standby, or default_transaction_read_only)'],
  '3D000': ['STORE_LOST', "the store's PostgreSQL database does not exist (dropped or never created)"],
  '42P01': ['STORE_LOST', "the store's tables are missing (the database was emptied or replaced)"],
  '57P01': ['STORE_UNREACHABLE', 'PostgreSQL is shutting down'],
  '57P02': ['STORE_UNREACHABLE', 'PostgreSQL crashed and is restarting'],
  '57P03': ['STORE_UNREACHABLE', 'PostgreSQL is starting up or in recovery and refuses connections'],
  '08': ['STORE_UNREACHABLE', 'the connection to PostgreSQL failed'],
  '28': ['STORE_UNREACHABLE', 'PostgreSQL refused the credentials'],
  '53': ['STORE_UNREACHABLE', 'PostgreSQL is out of resources (connections or memory)'],
  XX: ['STORE_CORRUPT', 'PostgreSQL reports an internal error or damaged data'],
};

/** The store failure this error is, or undefined when it is not a store failure at all. */
export function describeStoreFailure(error: unknown): StoreFailure | undefined {
  if (error instanceof StoreError) return { code: error.code, message: error.message };
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as { errcode?: unknown; code?: unknown; message?: unknown; errors?: unknown };
  const text = typeof e.message === 'string' ? e.message : '';
  if (typeof e.errcode === 'number') return found(SQLITE[e.errcode & 0xff] ?? ['STORE_FAILED', 'SQLite failed'], text);
  if (typeof e.code === 'string') {
    const hit = ERRNO[e.code] ?? (/^[0-9A-Z]{5}$/.test(e.code) ? SQLSTATE[e.code] ?? SQLSTATE[e.code.slice(0, 2)] : undefined);
    if (hit) return found(hit, text);
  }
  // pg reports a lost socket or a connect timeout as a plain Error without a code.
  if (/^Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(text)) {
    return found(['STORE_UNREACHABLE', 'the connection to PostgreSQL was lost'], text);
  }
  if (error instanceof AggregateError && Array.isArray(e.errors) && e.errors.length > 0) return describeStoreFailure(e.errors[0]);
  return undefined;
}

function found([code, diagnosis]: [StoreErrorCode, string], detail: string): StoreFailure {
  return { code, message: detail && detail !== diagnosis ? `${diagnosis}: ${detail}` : diagnosis };
}
