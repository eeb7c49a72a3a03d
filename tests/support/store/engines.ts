// The store suite runs unchanged on both engines. Each test gets a fresh database (a file in a
// temp dir, or CREATE DATABASE on the shared test cluster) so files and tests run in parallel.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';
import { openStore, type Store } from '../../../src/store/index.ts';
import { mulberry32 } from '../../../src/shared/mulberry32.ts';

export type EngineName = 'sqlite' | 'postgres';

export interface TestEngine {
  readonly name: EngineName;
  /** A URL naming a fresh, empty database. */
  freshUrl(): Promise<string>;
  /** Opens a fresh store (closed after the file's tests). */
  freshStore(now?: () => Date): Promise<Store>;
  /** Opens another Store on the same URL, as a second replica would. */
  open(url: string, now?: () => Date): Promise<Store>;
}

export function testEngines(): TestEngine[] {
  const dir = mkdtempSync(join(tmpdir(), 'ficus-store-'));
  const stores: Store[] = [];
  const databases: string[] = [];
  const pgUrl = process.env.FICUS_TEST_PG_URL;
  if (!pgUrl) throw new Error('FICUS_TEST_PG_URL is not set: run through vitest (tests/setup/global.ts)');

  const open = async (url: string, now?: () => Date) => {
    const store = await openStore({ url, ...(now ? { now } : {}) });
    stores.push(store);
    return store;
  };
  const sqliteUrl = async () => `sqlite:${join(dir, `${randomBytes(6).toString('hex')}.db`)}`;
  const postgresUrl = async () => {
    const name = `ficus_test_${randomBytes(6).toString('hex')}`;
    await withAdmin(pgUrl, (c) => c.query(`create database ${name}`));
    databases.push(name);
    const url = new URL(pgUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };

  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
    if (databases.length > 0) {
      await withAdmin(pgUrl, async (c) => {
        for (const name of databases) await c.query(`drop database if exists ${name} with (force)`);
      });
    }
  });

  return (['sqlite', 'postgres'] as const).map((name) => {
    const freshUrl = name === 'sqlite' ? sqliteUrl : postgresUrl;
    return { name, freshUrl, open, freshStore: async (now) => open(await freshUrl(), now) };
  });
}

export function sqliteDir(): string {
  return mkdtempSync(join(tmpdir(), 'ficus-store-'));
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Deterministic pseudo-random numbers (mulberry32) so failures reproduce. */
export const seededRandom = mulberry32;
