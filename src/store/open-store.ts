// Opens the store named by a URL, on either engine, and migrates it before anyone uses it.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describeStoreFailure } from './describe-store-failure.ts';
import { migrateStore } from './migrate-store.ts';
import type { StoreSchema } from './schema.ts';
import { NodeSqliteDialect } from './sqlite-dialect.ts';
import { StoreError } from './store-error.ts';
import { parseStoreUrl, redactStoreUrl, type StoreEngine } from './store-url.ts';

export interface StoreLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface Store {
  readonly db: Kysely<StoreSchema>;
  readonly engine: StoreEngine;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** `sqlite:./data/ficus.db`, `sqlite:/abs/path.db`, `sqlite::memory:` (tests) or `postgres://…`. */
  readonly url: string;
  readonly now?: () => Date;
  readonly log?: StoreLog;
  /** PostgreSQL pool size per replica; migrations need at least 2. */
  readonly poolSize?: number;
  /** How long a write waits for another SQLite connection's lock. */
  readonly busyTimeoutMs?: number;
  /** Base directory for relative sqlite: paths. */
  readonly cwd?: string;
}

const PG_INT8 = 20;
const PG_NUMERIC = 1700;

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const location = parseStoreUrl(options.url, options.cwd);
  const redacted = redactStoreUrl(options.url);
  let db: Kysely<StoreSchema>;
  if (location.engine === 'sqlite') {
    if (location.path !== ':memory:') {
      try {
        mkdirSync(dirname(location.path), { recursive: true });
      } catch (cause) {
        throw new StoreError('STORE_UNREACHABLE', `cannot create the directory for the SQLite store ${location.path}: ${message(cause)}`, { cause });
      }
    }
    db = new Kysely<StoreSchema>({ dialect: new NodeSqliteDialect({ path: location.path, busyTimeoutMs: options.busyTimeoutMs ?? 5000 }) });
  } else {
    db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool: createPool(location.url, options.poolSize ?? 10) }) });
  }
  try {
    await sql`select 1`.execute(db);
  } catch (cause) {
    await db.destroy().catch(() => {});
    const failure = describeStoreFailure(cause);
    throw new StoreError(failure?.code ?? 'STORE_UNREACHABLE', `cannot reach the ${location.engine} store at ${redacted}: ${failure?.message ?? message(cause)}`, { cause });
  }
  try {
    const { applied } = await migrateStore(db, location.engine);
    if (applied.length > 0) options.log?.info(`store migrated (${applied.join(', ')})`);
  } catch (cause) {
    await db.destroy().catch(() => {});
    throw cause;
  }
  let closed = false;
  return {
    db,
    engine: location.engine,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

export type StorePing = { readonly ok: true } | { readonly ok: false; readonly code: 'STORE_UNREACHABLE'; readonly message: string };

/** For /readyz: one round trip; never throws. */
export async function pingStore(store: Store): Promise<StorePing> {
  try {
    await sql`select 1`.execute(store.db);
    return { ok: true };
  } catch (cause) {
    return { ok: false, code: 'STORE_UNREACHABLE', message: `store unreachable: ${message(cause)}` };
  }
}

function createPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: Math.max(2, max),
    connectionTimeoutMillis: 10_000,
    // Counts and epoch-millisecond times fit a double; strings would leak into every caller.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8 || oid === PG_NUMERIC ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection emits 'error' on the pool; unhandled, it would kill the process.
  pool.on('error', () => {});
  // A checked-out client has no pool listener: when PostgreSQL goes away mid-query (shutdown,
  // failover) the query rejects and then the client emits 'error', which would kill the process.
  // The query's rejection is the report; the broken client is discarded when released.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

function message(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return message(error.errors[0]);
  return error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error);
}
