import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openStore, parseStoreUrl, pingStore, StoreError } from '../../src/store/index.ts';
import { storeMigrations } from '../../src/store/migrations.ts';
import { testEngines } from '../support/store/engines.ts';

describe.each(testEngines())('openStore on $name', (engine) => {
  it('creates the schema on first open', async () => {
    const store = await engine.freshStore();
    expect(store.engine).toBe(engine.name);
    await expect(store.db.selectFrom('ficus_difference').selectAll().execute()).resolves.toEqual([]);
    await expect(store.db.selectFrom('ficus_audit_log').selectAll().execute()).resolves.toEqual([]);
  });

  it('migrates idempotently when opened again', async () => {
    const url = await engine.freshUrl();
    const first = await engine.open(url);
    await first.close();
    const second = await engine.open(url);
    const migrations = await sql<{ name: string }>`select name from kysely_migration`.execute(second.db);
    expect(migrations.rows.map((r) => r.name).sort()).toEqual(Object.keys(storeMigrations).sort());
  });

  it('lets several replicas migrate the same fresh database at once', async () => {
    const url = await engine.freshUrl();
    const stores = await Promise.all([1, 2, 3, 4].map(() => engine.open(url)));
    const migrations = await sql<{ name: string }>`select name from kysely_migration`.execute(stores[0]!.db);
    expect(migrations.rows).toHaveLength(Object.keys(storeMigrations).length);
  });

  it('answers pings while open and reports unreachable once closed', async () => {
    const store = await engine.open(await engine.freshUrl());
    await expect(pingStore(store)).resolves.toEqual({ ok: true });
    await store.close();
    await expect(pingStore(store)).resolves.toMatchObject({ ok: false, code: 'STORE_UNREACHABLE' });
  });
});

describe('openStore errors', () => {
  it('rejects an unsupported URL with STORE_URL and no password in the message', async () => {
    const error = await openStore({ url: 'mysql://admin:hunter2@db/ficus' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('STORE_URL');
    expect((error as StoreError).message).not.toContain('hunter2');
  });

  it('reports an unreachable PostgreSQL with STORE_UNREACHABLE and no password in the message', async () => {
    const error = await openStore({ url: 'postgres://ficus:hunter2@127.0.0.1:1/ficus' }).catch((e: unknown) => e);
    expect((error as StoreError).code).toBe('STORE_UNREACHABLE');
    expect((error as StoreError).message).toContain('postgres://ficus:***@127.0.0.1:1/ficus');
    expect((error as StoreError).message).not.toContain('hunter2');
    expect((error as StoreError).cause).toBeDefined();
  });

  it('creates the parent directory of a relative SQLite path', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ficus-cwd-'));
    const store = await openStore({ url: 'sqlite:./data/nested/ficus.db', cwd });
    expect(existsSync(join(cwd, 'data/nested/ficus.db'))).toBe(true);
    await store.close();
  });

  it('parses every documented URL form', () => {
    expect(parseStoreUrl('sqlite::memory:')).toEqual({ engine: 'sqlite', path: ':memory:' });
    expect(parseStoreUrl('sqlite:/abs/x.db')).toEqual({ engine: 'sqlite', path: '/abs/x.db' });
    expect(parseStoreUrl('sqlite:./data/ficus.db', '/srv')).toEqual({ engine: 'sqlite', path: '/srv/data/ficus.db' });
    expect(parseStoreUrl('postgresql://u@h/db')).toEqual({ engine: 'postgres', url: 'postgresql://u@h/db' });
    expect(() => parseStoreUrl('sqlite:')).toThrow(StoreError);
  });

  it('opens an in-memory SQLite store', async () => {
    const store = await openStore({ url: 'sqlite::memory:' });
    await expect(pingStore(store)).resolves.toEqual({ ok: true });
    await store.close();
  });
});
