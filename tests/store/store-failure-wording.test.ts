// #13 item 12 (store part): store failures are named for what they are. A full disk was logged as
// "cannot rollback - no transaction is active" (SQLite had already rolled back; our second ROLLBACK
// failed and its error replaced the real one).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createAdminErrorHandler } from '../../src/admin/admin-error-handler.ts';
import { appendAudit } from '../../src/store/audit-log.ts';
import { describeStoreFailure } from '../../src/store/describe-store-failure.ts';
import { openStore, StoreError } from '../../src/store/index.ts';
import { createLogLimiter } from '../../src/shared/log-limiter.ts';
import { makeReadOnly } from '../support/store/read-only-dir.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 'ficus-wording-'));

describe('store failure wording', () => {
  it('reports a full SQLite store as STORE_FULL, not "cannot rollback"', async () => {
    const store = await openStore({ url: `sqlite:${join(tempDir(), 'ficus.db')}` });
    try {
      // SQLite's own size limit fails writes exactly as a full disk does (SQLITE_FULL).
      const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(store.db);
      await sql.raw(`pragma max_page_count = ${rows[0]!.page_count}`).execute(store.db);
      let error: unknown;
      for (let i = 0; i < 50 && !error; i++) {
        error = await appendAudit(store.db, { at: new Date(), actor: 'a', action: 'mode-change', source: 'test', reason: 'r'.repeat(4000) }).then(() => undefined, (e: unknown) => e);
      }
      expect((error as Error).message).not.toMatch(/cannot rollback/);
      expect(describeStoreFailure(error)).toMatchObject({ code: 'STORE_FULL', message: expect.stringMatching(/disk .*is full/) });
    } finally {
      await store.close();
    }
  });

  it('reports a SQLite store whose directory turned read-only as STORE_READ_ONLY or unopenable, never a bare SQL error', async () => {
    const dir = tempDir();
    const store = await openStore({ url: `sqlite:${join(dir, 'ficus.db')}` });
    await store.close();
    const restore = makeReadOnly(dir);
    try {
      const error = await openStore({ url: `sqlite:${join(dir, 'ficus.db')}` }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect(describeStoreFailure((error as StoreError).cause)).toMatchObject({ code: expect.stringMatching(/STORE_UNREACHABLE|STORE_READ_ONLY/), message: expect.stringMatching(/read-only|cannot open/) });
    } finally {
      restore();
    }
  });

  it.each([
    [{ code: '57P01', message: 'terminating connection due to administrator command' }, 'STORE_UNREACHABLE', /shutting down/],
    [{ code: '53100', message: 'could not extend file' }, 'STORE_FULL', /disk is full/],
    [{ code: '25006', message: 'cannot execute INSERT in a read-only transaction' }, 'STORE_READ_ONLY', /standby/],
    [{ code: '3D000', message: 'database "ficus" does not exist' }, 'STORE_LOST', /does not exist/],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }, 'STORE_UNREACHABLE', /refuses connections/],
    [{ code: 'ENOSPC', message: 'no space left on device' }, 'STORE_FULL', /full/],
    [{ message: 'Connection terminated unexpectedly' }, 'STORE_UNREACHABLE', /lost/],
  ])('names %o as %s', (error, code, wording) => {
    expect(describeStoreFailure(Object.assign(new Error(), error))).toMatchObject({ code, message: expect.stringMatching(wording) });
  });

  it('does not call an ordinary bug a store failure', () => {
    expect(describeStoreFailure(new TypeError('x is undefined'))).toBeUndefined();
  });
});

describe('admin error answers', () => {
  const appThrowing = (error: unknown) => {
    const logged: unknown[] = [];
    const app = new Hono();
    app.onError(createAdminErrorHandler({ reportStoreFailure: () => {}, limiter: createLogLimiter({ nowMs: () => 0 }), log: (entry) => void logged.push(entry) }));
    app.get('/boom', () => {
      throw error;
    });
    return { app, logged };
  };

  it('answers a bug with a short 500 JSON and logs it once per minute', async () => {
    const { app, logged } = appThrowing(new TypeError('x is undefined'));
    const answers = await Promise.all([1, 2, 3].map(() => app.request('/boom')));
    expect(answers.map((r) => r.status)).toEqual([500, 500, 500]);
    expect(await answers[0]!.json()).toEqual({ error: 'internal', message: 'internal error; the Ficus log has the detail' });
    expect(logged).toEqual([{ event: 'admin-internal-error', code: 'internal', error: 'TypeError: x is undefined', suppressed: 0, path: '/boom' }]);
  });

  it('answers a full disk with 503 STORE_FULL', async () => {
    const { app } = appThrowing(Object.assign(new Error('database or disk is full'), { errcode: 13 }));
    const res = await app.request('/boom');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'store_unavailable', code: 'STORE_FULL', message: "the store's disk is full; the proxy keeps serving, retry later" });
  });
});
