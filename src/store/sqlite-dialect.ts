// Kysely dialect over Node's built-in node:sqlite (no native addons may be built here).
//
// Why a driver of our own rather than kysely's SqliteDriver with an adapter:
// - node:sqlite is synchronous, so SQLite's own busy handler would block the event loop while
//   another connection holds the write lock; when that connection lives in this same process
//   (two Store instances, a test, a migration racing a flush) it can never commit and both wait
//   out the whole timeout. We set SQLite's timeout to 0 and wait for the lock asynchronously.
// - Every transaction starts with BEGIN IMMEDIATE: a deferred transaction that reads and then
//   writes can fail with SQLITE_BUSY without waiting at all in WAL mode, and IMMEDIATE is what
//   serialises audit appends and stats flushes across processes sharing one file.
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import { StoreError } from './store-error.ts';

const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;

export interface NodeSqliteDialectConfig {
  readonly path: string;
  /** How long to wait for another connection's write lock before failing with STORE_BUSY. */
  readonly busyTimeoutMs: number;
}

/** SQLite has transactional DDL; saying so makes kysely's Migrator run in one (immediate) transaction. */
class NodeSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

export class NodeSqliteDialect implements Dialect {
  readonly #config: NodeSqliteDialectConfig;

  constructor(config: NodeSqliteDialectConfig) {
    this.#config = config;
  }

  createDriver(): Driver {
    return new NodeSqliteDriver(this.#config);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new NodeSqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

class NodeSqliteDriver implements Driver {
  readonly #config: NodeSqliteDialectConfig;
  #connection: NodeSqliteConnection | undefined;

  constructor(config: NodeSqliteDialectConfig) {
    this.#config = config;
  }

  async init(): Promise<void> {
    const database = new DatabaseSync(this.#config.path, { timeout: 0 });
    this.#connection = new NodeSqliteConnection(database, this.#config.busyTimeoutMs);
    // WAL lets readers (the dashboard) run beside the writer; switching needs the lock briefly.
    await this.#connection.run('pragma journal_mode = wal');
    await this.#connection.run('pragma synchronous = normal');
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    if (!this.#connection) throw new Error('node:sqlite driver used before init');
    return this.#connection;
  }
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as NodeSqliteConnection).run('begin immediate');
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as NodeSqliteConnection).run('commit');
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // SQLite rolls back by itself on SQLITE_FULL, IOERR and the like; a second ROLLBACK then fails
    // with "cannot rollback - no transaction is active", and that error would replace the real one
    // (a full disk was logged as "cannot rollback").
    if (!(connection as NodeSqliteConnection).inTransaction()) return;
    await (connection as NodeSqliteConnection).run('rollback');
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {
    this.#connection?.close();
    this.#connection = undefined;
  }
}

class NodeSqliteConnection implements DatabaseConnection {
  readonly #db: DatabaseSync;
  readonly #busyTimeoutMs: number;

  constructor(db: DatabaseSync, busyTimeoutMs: number) {
    this.#db = db;
    this.#busyTimeoutMs = busyTimeoutMs;
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  inTransaction(): boolean {
    return this.#db.isOpen && this.#db.isTransaction;
  }

  run(sqlText: string): Promise<QueryResult<unknown>> {
    return this.executeQuery(CompiledQuery.raw(sqlText));
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const deadline = Date.now() + this.#busyTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return this.#executeOnce<R>(compiled);
      } catch (error) {
        // Inside a transaction we already hold the write lock (BEGIN IMMEDIATE), so busy errors
        // only surface on the first statement of a write; retrying is safe there.
        if (!isBusy(error) || this.#db.isTransaction) throw error;
        if (Date.now() >= deadline) {
          throw new StoreError('STORE_BUSY', `SQLite database stayed locked for ${this.#busyTimeoutMs} ms`, { cause: error });
        }
        await sleep(Math.min(2 ** attempt, 50));
      }
    }
  }

  #executeOnce<R>(compiled: CompiledQuery): QueryResult<R> {
    const stmt = this.#db.prepare(compiled.sql);
    const params = compiled.parameters.map(toSqliteValue);
    if (stmt.columns().length > 0) return { rows: stmt.all(...params) as R[] };
    const { changes, lastInsertRowid } = stmt.run(...params);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported by the node:sqlite driver');
  }
}

type SqliteValue = null | number | bigint | string | Uint8Array;

function toSqliteValue(value: unknown): SqliteValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string' || value instanceof Uint8Array) return value;
  return JSON.stringify(value);
}

function isBusy(error: unknown): boolean {
  const errcode = (error as { errcode?: unknown } | null)?.errcode;
  return typeof errcode === 'number' && ((errcode & 0xff) === SQLITE_BUSY || (errcode & 0xff) === SQLITE_LOCKED);
}
